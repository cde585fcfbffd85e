from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from requests_app.language import set_language

from .views import brand_css, healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("brand.css", brand_css, name="brand_css"),
    path("readyz", readyz, name="readyz"),
    # The second factor's enrolment, before the admin (whose pages need a verified session).
    path("staff/two-factor/", include("staff_auth.urls")),
    path("staff/two-factor/webauthn/", include("staff_auth.webauthn_urls")),
    path("staff/", admin.site.urls),
    # The family's language switch (a cookie, no URL prefix: every address stays the same).
    path("i18n/setlang/", set_language, name="set_language"),
    # The browser upload client's texts (locale/*/djangojs.po), as a script from our origin (strict CSP).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("requests_app.urls")),
]

handler500 = "portal.views.server_error"
