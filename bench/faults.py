"""`python -m bench.faults` (`make bench-faults`): the site under load while its parts fail.

Issue 14's proof. On servers of its own (bench.fault_site: a PostgreSQL cluster, a
redis-server, an SMTP server that can stall, the mail worker and gunicorn with
production settings, 5 workers x 2 threads), it seeds the ClinicSpeak post and a few
others, then runs one phase of --seconds per fault with --clients concurrent clients
(20 % writers; bench.clients): a baseline; Redis stopped; Redis paused (SIGSTOP); the
PostgreSQL server stopped; the SMTP server stalled (each from a quarter of the phase to
three quarters, then restored); and one gunicorn worker killed (SIGKILL) halfway.

Per phase it reports requests, requests/s, p50/p95/p99 of the answered requests, 500s
(any 5xx but 503), 503s, 4xx, requests with no answer, comments acknowledged (the
redirect to the new comment) against comments stored (rows counted in the database
afterwards) and acknowledged comments missing from it (must be 0), tree violations
(comments.trees; must be 0), emails queued and sent, and /health/ during the fault.
After the last phase the mail worker gets up to a minute to send what is still queued.
Prints the table; --write puts it into BENCHMARKS.md under "Under faults".
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import clients, server
from bench.describe import git_commit
from bench.fault_site import Site, prerequisites
from bench.report import pipe_table, write_section
from bench.run import BASE_DIR, gunicorn_shape, log

SECTION = "## Under faults"


@dataclass(frozen=True)
class Fault:
    """A phase's fault: what breaks (on the Site), and how it is undone."""

    name: str
    inject: Callable[[Site], str | None] | None = None  # may say what it did
    lift: Callable[[Site], None] | None = None
    at: float = 0.25  # share of the phase at which it is injected
    until: float = 0.75  # and lifted


FAULTS = {
    "baseline": Fault("baseline"),
    "redis-stopped": Fault(
        "Redis stopped", lambda site: site.redis.stop(), lambda site: site.redis.start()
    ),
    "redis-paused": Fault(
        "Redis paused (SIGSTOP)", lambda site: site.redis.pause(), lambda site: site.redis.resume()
    ),
    "postgres-stopped": Fault(
        "PostgreSQL stopped",
        lambda site: site.postgres.stop("fast"),
        lambda site: site.postgres.start(),
    ),
    "smtp-stalled": Fault(
        "SMTP stalled", lambda site: site.smtp.stall(), lambda site: site.smtp.recover()
    ),
    "worker-killed": Fault("a gunicorn worker killed", Site.kill_worker, at=0.5),
}


@dataclass
class PhaseResult:
    phase: str
    seconds: float
    requests: int
    percentiles_ms: dict[str, float | None]
    statuses: dict[int, int]
    no_answer: int
    writes: int
    acknowledged: int
    stored: int
    missing: int  # acknowledged, yet not in the database
    tree_violations: int
    mails_queued: int
    mails_sent: int
    health: str = ""
    events: list[str] = field(default_factory=list)
    logged_errors: dict[str, int] = field(default_factory=dict)

    def count(self, test) -> int:
        return sum(n for status, n in self.statuses.items() if test(status))

    def row(self) -> list[str]:
        def ms(value):
            return "-" if value is None else f"{value:.0f}"

        return [
            self.phase,
            str(self.requests),
            f"{self.requests / self.seconds:.1f}",
            *(ms(self.percentiles_ms[p]) for p in ("p50", "p95", "p99")),
            str(self.count(lambda s: s >= 500 and s != 503)),
            str(self.count(lambda s: s == 503)),
            str(self.count(lambda s: 400 <= s < 500)),
            str(self.no_answer),
            f"{self.acknowledged} / {self.stored}",
            str(self.missing),
            str(self.tree_violations),
            f"{self.mails_queued} / {self.mails_sent}",
            self.health or "-",
        ]


HEADER = [
    "phase",
    "requests",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "500s",
    "503s",
    "4xx",
    "no answer",
    "comments acknowledged / stored",
    "acknowledged, not stored",
    "tree violations",
    "mails queued / sent",
    "/health/ during the fault",
]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0, help="Seconds per phase.")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--writers", type=float, default=0.2, help="Share of writers.")
    parser.add_argument(
        "--think", type=float, default=1.0, help="Mean pause of a client between requests (s)."
    )
    parser.add_argument("--phases", default=",".join(FAULTS), help="Comma-separated.")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ports", default="9500-9599", help="Ports for the run's servers.")
    parser.add_argument(
        "--drain", type=float, default=60.0, help="Seconds to send mail at the end."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="Write the section of BENCHMARKS.md.")
    parser.add_argument("--output", default=str(BASE_DIR / "BENCHMARKS.md"), type=Path)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    args.phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    if unknown := [name for name in args.phases if name not in FAULTS]:
        parser.error(f"unknown phases {unknown}; choose from {', '.join(FAULTS)}")
    if not 0.5 <= args.seconds <= 300:
        parser.error("--seconds must be between 0.5 and 300")
    if not 1 <= args.clients <= 500 or not 0 <= args.writers <= 1 or args.think < 0:
        parser.error("--clients must be 1-500, --writers 0-1 and --think at least 0")
    if not 0 <= args.drain <= 600:
        parser.error("--drain must be between 0 and 600 seconds")
    first, _, last = args.ports.partition("-")
    try:
        args.ports = range(int(first), int(last or first) + 1)
    except ValueError:
        parser.error("--ports must look like 9500-9599")
    return args


def seed(args) -> tuple[tuple[clients.Page, ...], tuple[str, ...]]:
    """Import the seed post and two copies with generated comments; return what to load."""
    from django.urls import reverse

    from bench import dataset

    source = dataset.prepare(log)
    posts = [source, *dataset.build_posts(source, [30, 150], seed=args.seed, log=log).values()]
    pages = tuple(
        clients.Page(
            post.pk,
            post.get_absolute_url(),
            reverse("comments:post", kwargs={"post_pk": post.pk}),
            hot=post.pk == source.pk,
        )
        for post in posts
    )
    feeds = (
        reverse("blog:post-feed"),
        reverse(
            "blog:post-comments-feed",
            kwargs={
                "year": source.published_date.year,
                "month": source.published_date.month,
                "slug": source.slug,
            },
        ),
    )
    return pages, feeds


def newest_message() -> int:
    """The newest queued email's id (what a phase queues comes after it)."""
    from django.db.models import Max

    from outbox.models import Message

    Site.close_database()  # the server may have restarted since the last query
    return Message.objects.aggregate(top=Max("pk"))["top"] or 0


def run_phase(site: Site, name: str, args, pages, feeds, run_id: str) -> PhaseResult:
    fault = FAULTS[name]
    tag = f"{run_id}-{name}"
    first_message = newest_message()
    tally, stop, events, health = clients.Tally(), threading.Event(), [], []
    plan = clients.Plan(
        site.gunicorn.port, pages, feeds, args.clients, args.writers, args.think, tag, args.seed
    )
    started = time.monotonic()
    threads = clients.run_clients(plan, tally, stop)

    def at(share: float) -> None:
        time.sleep(max(0.0, started + share * args.seconds - time.monotonic()))

    if fault.inject:
        at(fault.at)
        said = fault.inject(site)
        events.append(f"{said or 'began'} at {time.monotonic() - started:.1f} s")
        time.sleep(min(1.0, args.seconds / 10))
        # Asked beside the clients (it may wait behind them), so the fault ends on time.
        probe = threading.Thread(target=lambda: health.append(site.health()))
        probe.start()
    if fault.lift:
        at(fault.until)
        fault.lift(site)
        events.append(f"undone at {time.monotonic() - started:.1f} s")
    at(1.0)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if fault.inject:
        probe.join()
    said = health[0] if health else ""
    return count_phase(site, fault, tally, elapsed, tag, first_message, said, events)


def count_phase(site, fault, tally, elapsed, tag, first_message, health, events) -> PhaseResult:
    """Look in the database for what the phase's clients were told was stored."""
    from comments.models import Comment
    from comments.trees import find_tree_problems
    from outbox.models import Message

    Site.close_database()
    acknowledged = sorted(tally.acknowledged)
    found = Comment.objects.filter(pk__in=acknowledged).count()
    messages = Message.objects.filter(pk__gt=first_message)
    return PhaseResult(
        phase=fault.name,
        seconds=elapsed,
        requests=tally.requests,
        percentiles_ms={f"p{p}": tally.percentile_ms(p) for p in (50, 95, 99)},
        statuses=dict(tally.statuses),
        no_answer=tally.no_answer,
        writes=tally.writes,
        acknowledged=len(acknowledged),
        stored=Comment.objects.filter(body__contains=clients.body_mark(tag)).count(),
        missing=len(acknowledged) - found,
        tree_violations=len(find_tree_problems()),
        mails_queued=messages.count(),
        mails_sent=messages.filter(status=Message.Status.SENT).count(),
        health=health,
        events=events,
        logged_errors=dict(site.logged_errors()),
    )


def drain_mail(site: Site, seconds: float) -> dict[str, int]:
    """Give the mail worker up to `seconds` to send what is queued; say how it went."""
    from outbox.models import Message

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        Site.close_database()
        if not Message.objects.filter(status=Message.Status.QUEUED).exists():
            break
        time.sleep(1)
    counts = Counter(Message.objects.values_list("status", flat=True))
    return {
        "queued in the run": sum(counts.values()),
        "sent": counts[Message.Status.SENT],
        "still queued": counts[Message.Status.QUEUED],
        "failed": counts[Message.Status.FAILED],
        "sent only on a later attempt": Message.objects.filter(
            status=Message.Status.SENT, attempts__gt=1
        ).count(),
        "received by the SMTP server": len(site.smtp.messages),
    }


def markdown(results: list[PhaseResult], mail: dict, args, setup: str) -> str:
    lines = [
        SECTION,
        "",
        f"Written by `make bench-faults` (`python -m bench.faults`) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {args.clients} clients "
        f"({args.writers:.0%} writers posting comments and replies through the form, the "
        f"rest reading the hot post, the home page, two other posts and the feeds, half with "
        f"a cookie; {args.think:g} s mean pause) for {args.seconds:g} s a phase. A fault "
        "starts at a quarter of its phase and ends at three quarters (a worker is killed "
        "halfway). Latencies are of answered requests; 500s count every 5xx but 503.",
        "",
        f"Setup: {setup}.",
        "",
        *pipe_table(HEADER, [result.row() for result in results]),
    ]
    lines += ["", "Mail after the run: " + ", ".join(f"{n} {what}" for what, n in mail.items())]
    for result in results:
        notes = result.events + [
            f"{n} {name} in the log" for name, n in result.logged_errors.items()
        ]
        if notes:
            lines.append(f"- {result.phase}: {'; '.join(notes)}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    args = parse_args(argv)
    if missing := prerequisites():
        log("cannot run: this machine lacks " + " and ".join(missing))
        return 2
    load_start = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="msblog-bench-faults-"))
    run_id = f"f{secrets.token_hex(3)}"
    try:
        with Site(args, workdir) as site:
            pages, feeds = seed(args)
            site.serve()
            results = []
            for name in args.phases:
                log(f"{args.seconds:g} s: {FAULTS[name].name}")
                results.append(run_phase(site, name, args, pages, feeds, run_id))
                print("\t".join(results[-1].row()), flush=True)
                server.wait_until_idle(site.gunicorn.worker_pids(), timeout=30)
            mail = drain_mail(site, args.drain)
            workers, threads = gunicorn_shape(site.env)
            setup = (
                f"commit {git_commit()}; {site.versions()}; gunicorn {workers} workers x "
                f"{threads} threads (production settings); {server.cpu_model()}, "
                f"{os.cpu_count()} cores, load average {load_start:.1f} at the start and "
                f"{os.getloadavg()[0]:.1f} at the end (shared with other work)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    section = markdown(results, mail, args, setup)
    print(section)
    if args.json:
        data = {"results": [asdict(r) for r in results], "mail": mail, "setup": setup}
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if args.write:
        write_section(args.output, section)
        log(f"wrote the {SECTION[3:]} section of {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
