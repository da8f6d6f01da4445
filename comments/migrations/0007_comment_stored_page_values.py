from django.db import migrations, models


def fill(apps, schema_editor):
    """Give every comment its position, reply count and markup (comments.thread_store)."""
    from comments.thread_store import STORED, expected_values, rows_of

    Comment = apps.get_model("comments", "Comment")
    post_ids = Comment.objects.values_list("post_id", flat=True).distinct().order_by()
    for post_id in list(post_ids):
        rows = rows_of(Comment.objects.filter(post_id=post_id))
        wanted = expected_values(rows)
        changed = []
        for row in rows:
            comment = Comment(pk=row.pk)
            for field, value in zip(STORED, wanted[row.pk], strict=True):
                setattr(comment, field, value)
            changed.append(comment)
        Comment.objects.bulk_update(changed, STORED, batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0006_comment_body_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="position",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text=(
                    "Its index among the comments readers see in its thread (the top-level "
                    "comment and its replies), in tree order; empty when readers do not see it."
                ),
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="reply_count",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Published comments readers see below it, at any depth.",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="thread_shown",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="On a top-level comment: how many comments of its thread readers see.",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="markup",
            field=models.TextField(
                default="",
                editable=False,
                help_text="Its markup on the post page (comments.markup), rendered when written.",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("parent", None)),
                fields=["post", "tree_id"],
                name="comment_post_thread_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
