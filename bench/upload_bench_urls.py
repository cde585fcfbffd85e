"""bench/uploads.py's URLs: the portal's, plus (b) the upload a typical Django app has.

``/bench/proxy-upload/`` takes the file as multipart/form-data and saves it into a FileField on
the records storage, through Django's own upload handlers (a temporary file past 2.5 MB) and
``FieldFile.save`` (django-storages then uploads it to S3).
"""

from django.db import models
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


class ProxiedUpload(models.Model):
    file = models.FileField(upload_to="bench-proxy/")

    class Meta:
        app_label = "requests_app"
        managed = False  # no table: FieldFile.save(save=False) is the whole FileField path to storage

    def __str__(self):
        return self.file.name


@csrf_exempt
def proxy_upload(request):
    uploaded = request.FILES["file"]
    record = ProxiedUpload()
    record.file.save(uploaded.name, uploaded, save=False)
    return JsonResponse({"name": record.file.name, "size": record.file.size})


urlpatterns = [
    path("bench/proxy-upload/", proxy_upload),
    path("", include("portal.urls")),
]
