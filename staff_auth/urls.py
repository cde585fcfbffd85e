from django.urls import path

from . import views

app_name = "staff_auth"

urlpatterns = [
    path("set-up/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign_out"),
]
