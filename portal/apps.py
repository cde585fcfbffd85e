from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's own site (portal/admin_site.py) as ``admin.site``."""

    default_site = "portal.admin_site.PortalAdminSite"
