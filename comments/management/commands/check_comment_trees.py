"""`manage.py check_comment_trees [--repair]`: verify the nested-set fields of every thread."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from comments.models import Comment
from comments.trees import find_tree_problems, lock_tree

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Check every comment tree: one root per tree id, lft < rght, rght - lft = "
        "2 * descendants + 1, contiguous values, level = depth, parents in the same post. "
        "Exits non-zero on a violation; --repair rebuilds the trees from parent links."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Rebuild the trees from the parent links."
        )

    def handle(self, *args, **options):
        problems = find_tree_problems()
        total = Comment.objects.count()
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"{total} comments checked: every tree is sound."))
            return
        for problem in problems[:SHOWN]:
            self.stderr.write(str(problem))
        if len(problems) > SHOWN:
            self.stderr.write(f"… and {len(problems) - SHOWN} more")
        if not options["repair"]:
            raise CommandError(f"{len(problems)} problem(s) in {total} comments; run with --repair")
        with transaction.atomic():
            lock_tree(0)
            if connection.vendor == "postgresql":
                # A rebuild renumbers every tree: keep all other writers out meanwhile.
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(Comment._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            Comment.objects.rebuild()
        remaining = find_tree_problems()
        if remaining:
            raise CommandError(f"{len(remaining)} problem(s) remain after the rebuild")
        self.stdout.write(
            self.style.SUCCESS(f"Repaired: rebuilt the trees of {total} comments; all sound now.")
        )
