from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Every write keeps what the post page reads of a comment current (in its
        # transaction): the receivers live with the rules they apply.
        from comments import thread_store  # noqa: F401
