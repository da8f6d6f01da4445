"""The load `bench.faults` puts on the site: readers and commenters on 127.0.0.1, counted.

Each client is a thread with an address of its own (X-Forwarded-For, from 198.18.0.0/15,
the range set aside for benchmarks; the site trusts one proxy), so the abuse rules see
many readers rather than one. Readers fetch the hot post, the home page, the other posts
and the feeds, half of them with a harmless cookie; writers read a post, then post a
comment to it through the comment form (a reply to a comment they saw on the page, or a
new thread), and follow the redirect. A comment counts as acknowledged when the site
redirects to it (`#comment-<pk>`); the pk is kept so the harness can look for it.
"""

import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench import server
from bench.load import percentile

COOKIE = "theme=dark"
# A patient browser: a request queued behind 200 clients on a small machine still counts
# as answered; "no answer" is left for connections refused, cut or truly stuck.
CLIENT_TIMEOUT = 120.0
REPLY_TARGET = re.compile(rb'data-parent-id="(\d+)"')
ACKNOWLEDGED = re.compile(r"#comment-(\d+)$")


@dataclass(frozen=True)
class Page:
    """A post the clients read and comment on."""

    pk: int
    path: str
    comment_path: str  # where its comment form posts
    hot: bool = False


@dataclass
class Tally:
    """What the clients saw in one phase (threads add to it under `lock`)."""

    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    no_answer: int = 0  # refused, reset or timed out connections
    acknowledged: set[int] = field(default_factory=set)
    writes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, status: int | None, elapsed_ms: float) -> None:
        with self.lock:
            if status is None:
                self.no_answer += 1
            else:
                self.latencies_ms.append(elapsed_ms)
                self.statuses[status] += 1

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.no_answer

    def percentile_ms(self, share: float) -> float | None:
        ordered = sorted(self.latencies_ms)
        return percentile(ordered, share) if ordered else None

    def count(self, test) -> int:
        return sum(n for status, n in self.statuses.items() if test(status))


@dataclass(frozen=True)
class Plan:
    port: int
    pages: tuple[Page, ...]
    feeds: tuple[str, ...]
    clients: int
    writer_share: float
    think_seconds: float
    tag: str  # letters, digits and dashes: in every comment of the phase, to count them
    seed: int = 1


class Client:
    """One reader or writer; `run` loops until `stop` is set."""

    def __init__(self, plan: Plan, number: int, tally: Tally, stop: threading.Event):
        self.plan, self.number, self.tally, self.stop = plan, number, tally, stop
        self.random = random.Random(plan.seed * 100_003 + number)
        self.writer = number < round(plan.clients * plan.writer_share)
        self.headers = {"X-Forwarded-For": f"198.18.{number // 250}.{number % 250 + 1}"}
        if number % 2:
            self.headers["Cookie"] = COOKIE
        self.replies_to: dict[int, list[int]] = {}  # post pk -> comment pks seen on it
        self.sent = 0

    def request(self, path: str, *, method: str = "GET", form: dict | None = None):
        headers = dict(self.headers)
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Sec-Fetch-Site": "same-origin",
                    "Referer": path,
                }
            )
        started = time.perf_counter()
        try:
            status, answer_headers, content = server.fetch(
                self.plan.port, path, headers, method=method, body=body, timeout=CLIENT_TIMEOUT
            )
        except (OSError, http.client.HTTPException):
            status, answer_headers, content = None, {}, b""
        self.tally.record(status, (time.perf_counter() - started) * 1000)
        return status, answer_headers, content

    def run(self) -> None:
        while not self.stop.is_set():
            if self.writer:
                self.write()
            else:
                self.read()
            # Think for a while (0 to twice the mean), waking at once when the phase ends.
            self.stop.wait(self.random.uniform(0, 2 * self.plan.think_seconds))

    def pick_page(self) -> Page:
        pages = self.plan.pages
        hot = [page for page in pages if page.hot]
        return (
            self.random.choice(hot)
            if hot and self.random.random() < 0.5
            else (self.random.choice(pages))
        )

    def read(self) -> None:
        roll = self.random.random()
        if roll < 0.2:
            self.request("/")
        elif roll < 0.35 and self.plan.feeds:
            self.request(self.random.choice(self.plan.feeds))
        else:
            self.request(self.pick_page().path)

    def write(self) -> None:
        page = self.pick_page()
        status, _, content = self.request(page.path)
        if status == 200:
            seen = [int(pk) for pk in REPLY_TARGET.findall(content)]
            if seen:
                self.replies_to[page.pk] = seen[-200:]
        if self.stop.is_set():
            return
        self.sent += 1
        candidates = self.replies_to.get(page.pk, [])
        parent = self.random.choice(candidates) if candidates and self.random.random() < 0.6 else ""
        form = {
            "name": f"Reader {self.number}",
            "email": f"reader{self.number}.{self.sent}.{self.plan.tag}@example.org",
            "body": f"{body_mark(self.plan.tag)}{self.number}-{self.sent}: what did the MRI "
            "show after the second course?",
            "parent": parent,
            "website": "",
        }
        if self.random.random() < 0.25:
            form["notify"] = "on"  # asks for reply emails: a confirmation mail is queued
        with self.tally.lock:
            self.tally.writes += 1
        status, headers, _ = self.request(page.comment_path, method="POST", form=form)
        location = headers.get("Location", "") if status in (302, 303) else ""
        if match := ACKNOWLEDGED.search(location):
            with self.tally.lock:
                self.tally.acknowledged.add(int(match.group(1)))
            self.request(urlsplit(location).path)


def body_mark(tag: str) -> str:
    """What every comment body written under `tag` contains (and no other does)."""
    return f"Take {tag} "


def run_clients(plan: Plan, tally: Tally, stop: threading.Event) -> list[threading.Thread]:
    """Start the plan's clients (threads); they run until `stop` is set."""
    threads = [
        threading.Thread(
            target=Client(plan, number, tally, stop).run, name=f"client-{number}", daemon=True
        )
        for number in range(plan.clients)
    ]
    for thread in threads:
        thread.start()
    return threads
