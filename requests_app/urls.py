from django.urls import path

from . import link_views, upload_views, views

app_name = "requests_app"
urlpatterns = [
    path("", views.home, name="home"),
    path("request/start/", views.start, name="start"),
    path("request/save/", views.save_progress, name="save_progress"),
    path("request/saved/", views.saved, name="saved"),
    path("request/review/", views.review, name="review"),
    path("request/submit/", views.submit, name="submit"),
    path("request/submitted/", views.confirmation, name="confirmation"),
    path("request/uploads/start/", upload_views.start, name="upload_start"),
    path("request/uploads/<uuid:public_id>/parts/", upload_views.parts, name="upload_parts"),
    path("request/uploads/<uuid:public_id>/complete/", upload_views.complete, name="upload_complete"),
    path("request/uploads/<uuid:public_id>/remove/", upload_views.remove, name="upload_remove"),
    path(
        "request/uploads/<uuid:public_id>/local-parts/<int:number>/", upload_views.local_part, name="upload_local_part"
    ),
    path("request/<slug:slug>/", views.step, name="step"),
    path("resume/", link_views.resume, name="resume"),
    path("resume/confirm/", link_views.resume_confirm, name="resume_confirm"),
    path("resume/request-link/", link_views.request_link, name="request_link"),
    path("resume/link-sent/", link_views.link_sent, name="link_sent"),
    path("session/sign-out/", link_views.sign_out, name="sign_out"),
    path("session/signed-out/", link_views.signed_out, name="signed_out"),
    path("session/keep-alive/", link_views.keep_alive, name="keep_alive"),
]

# The family's status page after submission (issue #5): reached through the resume link.
from . import status_views  # noqa: E402

urlpatterns += [path("status/", status_views.status, name="status")]
