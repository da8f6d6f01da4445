"""Untrusted exports: bombs, external entities, huge posts and files that are not WXR."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blog.platforms.source import ImportFormatError
from blog.platforms.wxr import iter_wxr

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
)
TAIL = "</channel>\n</rss>\n"


def item(post_id: int, content: str = "<p>Hello</p>") -> str:
    return (
        f"<item><title>Post {post_id}</title><dc:creator>profg</dc:creator>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2014-10-10 08:30:00"
        "</wp:post_date_gmt><wp:post_name>p</wp:post_name><wp:status>publish</wp:status>"
        "<wp:post_type>post</wp:post_type></item>\n"
    )


def parse(tmp_path, text: str) -> list:
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return list(iter_wxr(str(path)))


def test_billion_laughs_is_refused_at_its_doctype_without_expanding(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10)
    )
    bomb = HEAD.replace("<rss", f"<!DOCTYPE rss [{entities}]>\n<rss", 1)
    bomb += item(1, "&lol9;").replace("<![CDATA[&lol9;]]>", "&lol9;") + TAIL
    started = time.perf_counter()
    with pytest.raises(ImportFormatError, match="DOCTYPE") as error:
        parse(tmp_path, bomb)
    assert time.perf_counter() - started < 1
    assert error.value.line == 3


def test_an_external_dtd_is_never_fetched(tmp_path):
    remote = HEAD.replace("<rss", '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n<rss', 1)
    with pytest.raises(ImportFormatError, match="DOCTYPE"):
        parse(tmp_path, remote + item(1) + TAIL)


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = HEAD.replace("<rss", f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<rss', 1)
    xxe += item(1).replace("<title>Post 1</title>", "<title>&xxe;</title>") + TAIL
    with pytest.raises(ImportFormatError, match="DOCTYPE"):
        parse(tmp_path, xxe)


MEASURE = """
import resource, sys, time
import django
django.setup()
from blog.platforms.source import ImportFormatError
from blog.platforms.wxr import iter_wxr

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

list(iter_wxr(sys.argv[1]))
baseline = peak()
started = time.perf_counter()
try:
    list(iter_wxr(sys.argv[2]))
    outcome = "accepted"
except ImportFormatError as error:
    outcome = str(error)
print(peak() - baseline, time.perf_counter() - started, outcome, sep="\\t")
"""


def test_a_50_mb_post_is_refused_in_bounded_memory_and_time(tmp_path):
    small = tmp_path / "small.xml"
    small.write_text(HEAD + item(1) + TAIL, encoding="utf-8")
    huge = tmp_path / "huge.xml"
    chunk = "<p>" + "MS research " * 8_000 + "</p>\n"  # about 96 KB
    with huge.open("w", encoding="utf-8") as out:
        out.write(HEAD + item(1))
        out.write("<item><title>Huge</title><content:encoded><![CDATA[")
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            out.write(chunk)
        out.write("]]></content:encoded><wp:post_id>2</wp:post_id></item>\n" + TAIL)
    assert huge.stat().st_size > 50 * 1024 * 1024
    # A fresh process, so the peak resident size is this parse's and nothing else's.
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(small), str(huge)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=Path(__file__).resolve().parents[2],
    )
    growth, seconds, outcome = result.stdout.strip().split("\t")
    print(f"50 MB post: refused in {float(seconds):.2f} s, peak grew {int(growth) / 2**20:.1f} MiB")
    assert re.match(r"<document>:\d+: not well-formed XML: .*too big.*10 MB", outcome), outcome
    assert float(seconds) < 10
    assert int(growth) < 32 * 1024 * 1024, f"peak grew by {int(growth) / 2**20:.1f} MiB"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
         "for a Blogger export use import_blogger", 2),
        ('<?xml version="1.0"?>\n\n<rss version="2.0"><channel></channel></rss>',
         "without the WordPress export namespace", 3),
        (HEAD + "<item><title>broken</title>\n</channel></rss>", "not well-formed XML", 5),
        ("just some text", "not well-formed XML", 1),
        (HEAD + item(1).replace("<wp:post_id>1</wp:post_id>", "") + TAIL, "no <wp:post_id>", 4),
        (HEAD + item(1).replace("2014-10-10 08:30:00", "yesterday") + TAIL,
         "'yesterday' is not a date", 4),
    ],
)  # fmt: skip
def test_a_file_that_is_not_wxr_is_refused_naming_the_line(tmp_path, text, message, line):
    with pytest.raises(ImportFormatError, match=message) as error:
        parse(tmp_path, text)
    assert error.value.line == line
