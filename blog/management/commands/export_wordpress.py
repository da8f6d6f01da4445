"""`manage.py export_wordpress [--output FILE] [--base-url URL] [--title TITLE]`."""

from django.core.management.base import BaseCommand

from blog.platforms.wxr_export import write_wxr


class Command(BaseCommand):
    help = (
        "Write every post, author, series, hashtag and comment (with its parent and "
        "status) as a WordPress export (WXR 1.2), for WordPress's importer or import_wordpress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="Default: standard output.")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="The site's address, for links."
        )
        parser.add_argument("--title", default="MS Research Blog", help="The blog's title.")

    def handle(self, *args, **options):
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                stats = write_wxr(out, title=options["title"], base_url=options["base_url"])
            self.stderr.write(
                self.style.SUCCESS(
                    f"Wrote {stats.posts} posts, {stats.comments} comments and "
                    f"{stats.authors} authors to {options['output']}"
                )
            )
        else:
            write_wxr(
                _Unterminated(self.stdout), title=options["title"], base_url=options["base_url"]
            )


class _Unterminated:
    """Write through a command's output wrapper without the newline it adds to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
