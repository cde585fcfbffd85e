from django.contrib import admin
from django.urls import include, path

from requests_app.language import set_language

from .views import brand_css, healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("brand.css", brand_css, name="brand_css"),
    path("readyz", readyz, name="readyz"),
    path("staff/", admin.site.urls),
    # The family's language switch (a cookie, no URL prefix: every address stays the same).
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("requests_app.urls")),
]

handler500 = "portal.views.server_error"
