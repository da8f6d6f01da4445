from django.contrib.admin.apps import AdminConfig


class BlogAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site (config.admin_site.BlogAdminSite)."""

    default_site = "config.admin_site.BlogAdminSite"
