"""`manage.py import_blogger FILE.xml [--dry-run] [--as-draft] [--since DATE]`."""

from blog.platforms.blogger import iter_blogger
from blog.platforms.command import PlatformImportCommand


class Command(PlatformImportCommand):
    platform = "Blogger"
    help = (
        "Import a Blogger export (the Atom feed from Blogger's Back up content or Google "
        "Takeout): posts, labels, authors and comments with their replies. One transaction "
        "per post; importing the same file again changes nothing."
    )

    def items(self, source):
        return iter_blogger(source)
