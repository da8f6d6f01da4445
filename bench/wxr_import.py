"""Benchmark `import_wordpress` on generated WXR files of two sizes: time and peak memory.

    .venv/bin/python -m bench.wxr_import                  # 250 and 1,000 posts of 100 comments
    .venv/bin/python -m bench.wxr_import --sizes 1000x100     # posts x comments per post
    .venv/bin/python -m bench.wxr_import --database-url postgres://postgres@127.0.0.1:5432/wt19

Each size gets a fresh scratch database (SQLite under /tmp, or a database made and dropped
on DATABASE_URL's server) and the import runs in a fresh process, so the peak resident size
it reports (`ru_maxrss`) is that import's alone. The importer streams the file and holds one
post with its thread at a time, so the peak must not grow with the number of posts.
"""

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.scratch import ScratchDatabase

ROOT = Path(__file__).resolve().parent.parent
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Benchmark blog</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[profg]]></wp:author_login>
<wp:author_display_name><![CDATA[Prof G]]></wp:author_display_name></wp:author>
"""
STATUSES = ["1"] * 17 + ["0", "spam", "trash"]
WORDS = [
    "alemtuzumab",
    "relapse",
    "lesion",
    "MRI",
    "trial",
    "EBV",
    "vitamin",
    "fatigue",
    "neurologist",
    "clinic",
]

MEASURE = """
import resource, sys, time
import django
django.setup()
from django.core.management import call_command
from comments.trees import find_tree_problems
from comments.models import Comment
from io import StringIO
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
out = StringIO()
call_command("import_wordpress", sys.argv[1], stdout=out, verbosity=0)
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
problems = len(find_tree_problems())
print(seconds, start * 1024, peak * 1024, Comment.objects.count(), problems, sep="\\t")
print(out.getvalue().splitlines()[0], file=sys.stderr)
"""


def generate_wxr(path: Path, *, posts: int, comments_per_post: int, seed: int = 1) -> int:
    """Write a WXR file of `posts` posts, each with a threaded discussion; return its size."""
    rng = random.Random(seed)
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for post_id in range(1, posts + 1):
            body = "\n\n".join(" ".join(rng.choices(WORDS, k=40)) for _ in range(6))
            out.write(
                f"<item><title>Post {post_id}</title><dc:creator>profg</dc:creator>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{post_id}</wp:post_id>"
                f"<wp:post_date_gmt>2014-10-10 08:30:00</wp:post_date_gmt>"
                f"<wp:post_name>post-{post_id}</wp:post_name><wp:status>publish</wp:status>"
                f'<wp:post_type>post</wp:post_type><category domain="post_tag" '
                f'nicename="msresearch"><![CDATA[MSResearch]]></category>\n'
            )
            first = comment_id + 1
            for n in range(comments_per_post):
                comment_id += 1
                parent = rng.randrange(first, comment_id) if n and rng.random() < 0.7 else 0
                minute = n % 60
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {n % 97}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{n % 97}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{n % 250 + 1}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2014-10-11 {n // 60 % 24:02d}:{minute:02d}:00"
                    f"</wp:comment_date_gmt><wp:comment_content><![CDATA["
                    f"{' '.join(rng.choices(WORDS, k=rng.randint(5, 60)))}]]></wp:comment_content>"
                    f"<wp:comment_approved>{rng.choice(STATUSES)}</wp:comment_approved>"
                    f"<wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return path.stat().st_size


def run_size(posts: int, per_post: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="wxr-bench-") as tmp:
        path = Path(tmp) / "export.xml"
        size = generate_wxr(path, posts=posts, comments_per_post=per_post)
        scratch = ScratchDatabase.create(database_url, Path(tmp))
        try:
            url = scratch.url
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            }
            python = sys.executable
            subprocess.run([python, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
            done = subprocess.run(
                [python, "-c", MEASURE, str(path)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            scratch.drop()
    seconds, before, peak, comments, problems = done.stdout.split("\t")
    return {
        "posts": posts,
        "comments": int(comments),
        "file_mb": size / 2**20,
        "seconds": float(seconds),
        "peak_mb": int(peak) / 2**20,
        "growth_mb": (int(peak) - int(before)) / 2**20,
        "tree_problems": int(problems),
        "summary": done.stderr.strip().splitlines()[-1],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250x100,1000x100", help="POSTSxCOMMENTS,...")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    print("| posts | comments | file | time | comments/s | peak RSS | grew while importing |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes.split(","):
        posts, per_post = (int(n) for n in size.split("x"))
        started = time.perf_counter()
        r = run_size(posts, per_post, args.database_url)
        print(
            f"| {r['posts']:,} | {r['comments']:,} | {r['file_mb']:.1f} MB | {r['seconds']:.1f} s "
            f"| {r['comments'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} MB "
            f"| {r['growth_mb']:.1f} MB |",
            flush=True,
        )
        if r["tree_problems"]:
            print(f"tree problems: {r['tree_problems']}", file=sys.stderr)
            return 1
        print(f"<!-- {r['summary']}; {time.perf_counter() - started:.0f} s with set-up -->")
    return 0


if __name__ == "__main__":
    sys.exit(main())
