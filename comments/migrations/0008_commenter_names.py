import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


def fill(apps, schema_editor):
    """Record the names existing comments may be mentioned by (comments.thread_store)."""
    from comments.thread_store import names_record

    Comment = apps.get_model("comments", "Comment")
    CommenterName = apps.get_model("comments", "CommenterName")
    post_ids = Comment.objects.values_list("post_id", flat=True).distinct().order_by()
    for post_id in list(post_ids):
        names_record(Comment.objects.filter(post_id=post_id), model=CommenterName)


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0009_cache_versions'),
        ('comments', '0007_comment_stored_page_values'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommenterName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
            ],
        ),
        migrations.AlterField(
            model_name='comment',
            name='post',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='blog.post'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='status',
            field=models.CharField(choices=[('published', 'Published'), ('pending', 'Pending moderation'), ('spam', 'Spam'), ('removed', 'Removed')], default='published', max_length=10),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(django.db.models.functions.text.Upper('author_email'), models.F('created_at'), name='comment_email_recent_idx'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['post', 'author_name', 'id'], name='comment_post_author_idx'),
        ),
        migrations.AddField(
            model_name='commentername',
            name='post',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='blog.post'),
        ),
        migrations.AddConstraint(
            model_name='commentername',
            constraint=models.UniqueConstraint(fields=('post', 'name'), name='commenter_name_post_unique'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
