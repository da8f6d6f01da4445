"""Reader pages are valid HTML according to the Nu HTML Checker (vnu.jar, from npm).

`make test` installs the checker (`npm ci`). Outside CI the test skips with a message when
Java or the jar is missing; in CI (CI=true) a missing checker is a failure. A route that
does not reverse, or a checker that crashes, always fails the test.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from blog.models import Post
from images.services import image_create
from outbox.services import confirmation_token
from tests.factories import PostFactory
from tests.images.conftest import image_bytes

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)

# A short run: the JIT's first tier only and the serial collector, about 2 s of CPU a run
# on this machine against 4.5 s; the first tier's code needs more than the default stack.
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss16m")

pytestmark = pytest.mark.django_db

# Everything a Markdown post can hold, so the checker sees each element the body may have.
MARKDOWN_BODY = """#MSResearch: what *this* post **shows**, ~~and what not~~.

# A heading

## A subheading

- a [link](https://example.org/a?b=1&c=2 "with a title") and `code`
- [#MSResearch in a link](/tags/msresearch/) and ![an image](https://example.org/i.png)

3. three
4. four

> A quotation
> over two lines

| drug | relapses |
|:-----|---------:|
| alemtuzumab | 10 |

```
<pre> & code
```

***
"""


def require_checker() -> None:
    missing = []
    if shutil.which("java") is None:
        missing.append("java (Debian package default-jre-headless)")
    if not VNU.exists():
        missing.append(f"{VNU} (run `npm ci`)")
    if missing:
        message = "the Nu HTML Checker needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def reader_pages(seed_post) -> dict[str, str]:
    paper = seed_post.paper_list()[0]
    pages = {
        "home": reverse("blog:post-list"),
        "post": seed_post.get_absolute_url(),
        "tag": reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
        "paper": paper.get_absolute_url(),
        "author": seed_post.author.get_absolute_url(),
        "series": seed_post.series.get_absolute_url(),
        "about": reverse("blog:about"),
        "hashtags": reverse("blog:hashtag-list"),
        "series-index": reverse("blog:series-list"),
        "search": reverse("blog:search") + "?q=alemtuzumab",
        "archive-year": reverse("blog:archive-year", kwargs={"year": 2014}),
    }
    return pages


def html_errors(files: list[Path], jar: Path = VNU) -> list[str]:
    """Return the checker's errors as `FILE:LINE: message`; fail if the checker crashed.

    vnu exits 0 (valid) or 1 (errors) and writes its JSON report to stderr; anything
    else (an exception, a missing jar, no report) is a crash, not a pass.
    """
    done = subprocess.run(
        ["java", *JAVA_FLAGS, "-jar", str(jar), "--errors-only", "--format", "json"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    try:
        report = json.loads(done.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"the checker crashed (exit {done.returncode}): {done.stderr[-2000:]}")
    if done.returncode not in (0, 1) or "messages" not in report:
        pytest.fail(f"the checker crashed (exit {done.returncode}): {done.stderr[-2000:]}")
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") == "error"
    ]


def test_reader_pages_have_no_html_errors(client, seed_post, tmp_path, settings):
    require_checker()
    settings.COMMENTS_PER_PAGE = 5  # the seed's 13 comments on pages, with their links
    figure = image_create(
        data=image_bytes("JPEG", size=(900, 600)), alt_text="An MRI", credit="Barts Health"
    )
    markdown_post = PostFactory(
        author=seed_post.author,
        body=MARKDOWN_BODY + f'\n![A figure](image:{figure.pk} "A caption")\n',
        body_format=Post.BodyFormat.MARKDOWN,
        lead_image=figure,
    )
    assert "<figure" in markdown_post.body_html
    markdown_post.post_hashtags.create(hashtag=seed_post.hashtag_list()[0], position=0)
    held = seed_post.comments.first()
    pages = {
        **reader_pages(seed_post),
        "markdown-post": markdown_post.get_absolute_url(),
        "comment-page": seed_post.comments_page_url(2),
        "email-confirm": reverse(
            "outbox:confirm", kwargs={"token": confirmation_token("reader@example.org")}
        ),
    }
    # A page with one known error, checked in the same run: the report is really read.
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><title>t</title><p><div></p>")
    files = [broken]
    # The post page showing a comment form with errors (reply), and a held comment.
    with_errors = client.post(
        reverse("comments:post", kwargs={"post_pk": seed_post.pk}),
        {"body": "", "email": "nope", "parent": held.pk},
        headers={"Origin": "http://testserver"},
    )
    path = tmp_path / "post-with-errors.html"
    path.write_bytes(with_errors.content)
    files.append(path)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)

    errors = html_errors(files)
    assert errors and all(error.startswith("broken.html:") for error in errors), errors
    assert len(files) == len(pages) + 2


def test_a_checker_that_crashes_fails_the_check(tmp_path):
    require_checker()
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>t</title>")

    with pytest.raises(pytest.fail.Exception, match="the checker crashed"):
        html_errors([page], jar=tmp_path / "missing.jar")
