"""`manage.py import_wordpress FILE.xml [--dry-run] [--as-draft] [--since DATE] [--pingbacks]`."""

from django.utils import timezone

from blog.platforms.command import PlatformImportCommand
from blog.platforms.wxr import iter_wxr


class Command(PlatformImportCommand):
    platform = "WordPress"
    help = (
        "Import a WordPress export (WXR, Tools > Export > All content): posts with their "
        "authors, categories, tags and every comment in its thread. One transaction per "
        "post; importing the same file again changes nothing."
    )

    def items(self, source):
        # Dates WordPress gives only in the blog's local time (drafts) are read in ours.
        return iter_wxr(source, tz=timezone.get_current_timezone())
