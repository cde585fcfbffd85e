from django.urls import path

from . import views

app_name = "requests_app"
urlpatterns = [
    path("", views.home, name="home"),
    path("request/start/", views.start, name="start"),
    path("request/save/", views.save_progress, name="save_progress"),
    path("request/saved/", views.saved, name="saved"),
    path("request/review/", views.review, name="review"),
    path("request/submit/", views.submit, name="submit"),
    path("request/submitted/", views.confirmation, name="confirmation"),
    path("request/<slug:slug>/", views.step, name="step"),
    path("resume/", views.resume, name="resume"),
    path("resume/confirm/", views.resume_confirm, name="resume_confirm"),
    path("resume/request-link/", views.request_link, name="request_link"),
    path("resume/link-sent/", views.link_sent, name="link_sent"),
]
