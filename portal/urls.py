from django.contrib import admin
from django.urls import include, path

from .views import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("staff/", admin.site.urls),
    path("", include("requests_app.urls")),
]

handler500 = "portal.views.server_error"
