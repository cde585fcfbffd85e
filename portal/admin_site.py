"""The staff site mounted at /staff/: Django's default admin site here (portal.apps.PortalAdminConfig).

It lives outside requests_app.admin because building the site must not import the modules that register
on it (they would register on a second, discarded instance). It is django-otp's ``OTPAdminSite``: only a
session verified by a second factor sees a page; a staff user with none yet is sent to enrolment
(staff_auth/).
"""

from django.shortcuts import redirect
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from staff_auth import enrolment
from staff_auth.forms import StaffAuthenticationForm

#: Where the request pages have always lived: staff bookmarks and every email sent so far link here.
REQUESTS_PATH = "requests_app/request/"


class PortalAdminSite(OTPAdminSite):
    site_header = "Second opinion requests"
    site_title = "Second opinion intake"
    index_title = "Intake"
    login_form = StaffAuthenticationForm
    login_template = None  # templates/admin/login.html: Django's page with the code field

    def __init__(self, name="admin"):
        super().__init__(name)  # django-otp's default name is "otpadmin"; every URL here reverses "admin:"

    def login(self, request, extra_context=None):
        """Password and code; a staff user with no second factor yet goes to enrolment (staff_auth/enrolment.py)."""
        if request.method == "GET" and (response := enrolment.before_login_page(request)):
            return response
        response = super().login(request, extra_context)
        if request.method == "POST" and request.user.is_authenticated and response.status_code == 302:
            return enrolment.after_login(request) or response
        return response

    def index(self, request, extra_context=None):
        """Staff land on the list of requests; superusers keep the usual index (audit log, users, groups)."""
        if not request.user.is_superuser and request.user.has_perm("requests_app.view_secondopinionrequest"):
            return redirect("admin:requests_app_secondopinionrequest_changelist")
        return super().index(request, extra_context)

    def get_urls(self):
        # The model was renamed from Request; its pages keep their address.
        from requests_app.models import SecondOpinionRequest

        model_admin = self._registry.get(SecondOpinionRequest)
        urls = super().get_urls()
        if model_admin is None:
            return urls
        renamed = f"requests_app/{SecondOpinionRequest._meta.model_name}/"
        return [path(REQUESTS_PATH, include(model_admin.urls)) if str(u.pattern) == renamed else u for u in urls]
