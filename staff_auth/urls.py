from django.urls import path

from . import passkeys, views

app_name = "staff_auth"

urlpatterns = [
    path("set-up/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("passkeys/", passkeys.manage, name="passkeys"),
    path("passkey/", passkeys.verify, name="passkey_verify"),
]
