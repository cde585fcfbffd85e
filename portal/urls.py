from django.contrib import admin
from django.urls import include, path

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("staff/", admin.site.urls),
    path("", include("requests_app.urls")),
]
