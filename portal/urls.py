from django.contrib import admin
from django.urls import include, path

from .views import healthz

admin.site.site_header = "Second opinion requests"
admin.site.site_title = "Second opinion intake"
admin.site.index_title = "Intake"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("staff/", admin.site.urls),
    path("", include("requests_app.urls")),
]
