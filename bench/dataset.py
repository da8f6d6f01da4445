"""The benchmark's data: the seed post, and copies of it carrying 0 … 10,000 comments."""

import io
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from blog.models import Citation, Post, PostHashtag
from comments.generator import comments_generate

BASE_DIR = Path(__file__).resolve().parent.parent
SEED = BASE_DIR / "fixtures" / "clinicspeak-alemtuzumab-nmo.txt"

# Fields a copy gets anew rather than from the seed.
_NOT_COPIED = {"id", "title", "slug", "source_ref", "created_at", "updated_at"}


def prepare(log: Callable[[str], None]) -> Post:
    """Migrate the scratch database, collect static files, import the seed post."""
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("import_post", str(SEED), stdout=io.StringIO())
    log(f"migrated, collected static files, imported the seed in {_since(started)}")
    return Post.objects.get(source_ref=SEED.stem)


@transaction.atomic
def copy_post(source: Post, *, comments: int) -> Post:
    """Return a published copy of `source` (text, author, series, hashtags, papers), no comments.

    Every copy has the seed's page apart from the discussion, so pages of different
    sizes differ only by their comments.
    """
    values = {
        model_field.attname: getattr(source, model_field.attname)
        for model_field in Post._meta.concrete_fields
        if model_field.attname not in _NOT_COPIED
    }
    post = Post(
        **values,
        title=f"{source.title} ({comments:,} comments)",
        slug=f"bench-{comments}-comments-{source.slug}"[:200],
    )
    post.status = Post.Status.PUBLISHED
    post.save()
    PostHashtag.objects.bulk_create(
        PostHashtag(post=post, hashtag_id=link.hashtag_id, position=link.position)
        for link in source.post_hashtags.all()
    )
    Citation.objects.bulk_create(
        Citation(post=post, paper_id=citation.paper_id, position=citation.position)
        for citation in source.citations.all()
    )
    return post


def build_posts(
    source: Post, sizes: Iterable[int], *, seed: int, log: Callable[[str], None]
) -> dict[int, Post]:
    """Make one copy of the seed per size and fill it with that many generated comments."""
    posts = {}
    for size in sizes:
        started = time.perf_counter()
        post = copy_post(source, comments=size)
        comments_generate(post=post, count=size, seed=seed + size)
        posts[size] = Post.objects.get(pk=post.pk)
        log(f"post with {size:,} comments generated in {_since(started)}")
    return posts


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
