from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog import signals  # noqa: F401  (connects the cache invalidation receivers)
        from blog.import_jobs import register_import_jobs

        register_import_jobs()  # large admin imports, run by the outbox worker
