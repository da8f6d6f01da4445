"""What a benchmark run measured, the issue's targets, and how both are written down."""

import re
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.load import percentile

# The targets ("Fast at any thread size").
MAX_QUERIES = 6
COLD_1K_MS = 40.0
ONE_PAGE_1K_MS = 60.0  # all 1,000 comments on one page, cold
CACHED_SHARE = 0.50
CONDITIONAL_SHARE = 0.70
GROWTH_10K = 10.0
REPLY_GROWTH_10K = 1.5
# "Bounded peak RSS": a worker serving the largest page stays within this, about 2.5 times
# what one uses after serving small pages (~50 MiB), so N workers fit in N times 128 MiB.
RSS_LIMIT_MIB = 128

NOT_IN_RUN = "size not in this run"


@dataclass
class Timing:
    """Repeated requests (or inserts) in one process; times in milliseconds."""

    key: str
    label: str
    samples_ms: list[float]
    queries: int | None
    status: int | str = ""
    size: int | None = None
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90_ms(self) -> float:
        return percentile(sorted(self.samples_ms), 90)


@dataclass
class Throughput:
    """A fixed-duration load test against gunicorn."""

    key: str
    label: str
    tool: str
    requests_per_second: float
    completed: int
    errors: int
    status: int | str = ""
    latency_p50_ms: float | None = None
    latency_p90_ms: float | None = None
    peak_rss_kib: int | None = None  # the largest VmHWM among the workers
    rss_before_kib: int | None = None  # the same, before the page was served
    note: str = ""


@dataclass
class Run:
    machine: dict[str, str]
    method: dict[str, str]
    timings: list[Timing] = field(default_factory=list)
    throughputs: list[Throughput] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def timing(self, key: str) -> Timing | None:
        return next((t for t in self.timings if t.key == key), None)

    def throughput(self, key: str) -> Throughput | None:
        return next((t for t in self.throughputs if t.key == key), None)

    def hello_rate(self) -> Throughput | None:
        """The hello view's load row that the shares are taken of: the faster of its two
        runs, first and last (gunicorn spreads wrk's keep-alive connections over its
        workers as they happen to connect, so one run can be held by an uneven spread)."""
        runs = [t for t in self.throughputs if t.key in ("hello", "hello-end")]
        return max(runs, key=lambda t: t.requests_per_second, default=None)

    def as_dict(self) -> dict:
        data = asdict(self)
        for timing, row in zip(self.timings, data["timings"], strict=True):
            row["median_ms"] = timing.median_ms
            row["p90_ms"] = timing.p90_ms
        return data


@dataclass(frozen=True)
class Target:
    text: str
    met: bool | None  # None: not measured in this run
    figure: str

    @property
    def verdict(self) -> str:
        return {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[self.met]


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _share(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 else f"{value:.1%}"


def _mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f} MiB"


def evaluate_targets(run: Run, *, rss_limit_mib: int) -> list[Target]:
    """Return the issue's targets, in the order they are written, each met or not."""
    return [
        _queries_target(run),
        _median_target(
            run,
            "post-cold-1000",
            f"Post page, 1,000 comments, cold ≤ {COLD_1K_MS:g} ms",
            COLD_1K_MS,
        ),
        _median_target(
            run,
            "one-page-cold-1000",
            "Post page, all 1,000 comments on one page, cold, as a browser asks "
            f"≤ {ONE_PAGE_1K_MS:g} ms",
            ONE_PAGE_1K_MS,
        ),
        *_throughput_targets(run),
        _growth_target(
            f"Post page at 10,000 comments ≤ {GROWTH_10K:g}x the 1,000-comment page (cold)",
            run.timing("post-cold-1000"),
            run.timing("post-cold-10000"),
            GROWTH_10K,
            digits=1,
        ),
        _growth_target(
            f"Reply insert at 10,000 comments ≤ {REPLY_GROWTH_10K:g}x the insert at 1,000",
            run.timing("reply-1000"),
            run.timing("reply-10000"),
            REPLY_GROWTH_10K,
            digits=2,
        ),
        _memory_target(run, rss_limit_mib),
    ]


def _queries_target(run: Run) -> Target:
    """The same number of queries for a cold post page at every size, and few."""
    cold = sorted(
        (t for t in run.timings if t.key.startswith("post-cold-")), key=lambda t: t.size or 0
    )
    if not cold or any(t.queries is None for t in cold):
        return Target(f"Queries per post page ≤ {MAX_QUERIES}", None, "not measured")
    counts = [t.queries for t in cold]
    figure = ", ".join(f"{t.size:,}: {t.queries}" for t in cold)
    met = len(set(counts)) == 1 and max(counts) <= MAX_QUERIES
    return Target(f"Queries per post page ≤ {MAX_QUERIES}, the same at every size", met, figure)


def _median_target(run: Run, key: str, goal: str, limit_ms: float) -> Target:
    """The median of timing `key` at most `limit_ms`."""
    timing = run.timing(key)
    if not timing:
        return Target(goal, None, NOT_IN_RUN)
    return Target(goal, timing.median_ms <= limit_ms, f"median {_ms(timing.median_ms)} ms")


def _throughput_targets(run: Run) -> list[Target]:
    """The cached page and the 304 answer, each as a share of the hello view's rate."""
    targets = []
    hello = run.hello_rate()
    for key, text, share, needs_304 in (
        (
            "post-cached-browser-1000",
            "Cached post page throughput, as a browser asks (compressed)",
            CACHED_SHARE,
            False,
        ),
        ("post-cached-1000", "Cached post page throughput, uncompressed", CACHED_SHARE, False),
        ("conditional-1000", "Conditional GET (304) throughput", CONDITIONAL_SHARE, True),
    ):
        goal = f"{text} ≥ {share:.0%} of hello"
        measured = run.throughput(key)
        if not hello or not measured or not hello.requests_per_second:
            missing = "no throughput run" if not run.throughputs else "size not in this run"
            targets.append(Target(goal, None, missing))
            continue
        ratio = measured.requests_per_second / hello.requests_per_second
        figure = (
            f"{measured.requests_per_second:,.1f} req/s = {_share(ratio)} of hello "
            f"({hello.requests_per_second:,.0f} req/s)"
        )
        met = ratio >= share and measured.errors == 0
        if needs_304 and measured.status != 304:
            met = False
            figure += f"; the site answered {measured.status}, not 304"
        targets.append(Target(goal, met, figure))
    return targets


def _growth_target(
    goal: str, small: Timing | None, large: Timing | None, limit: float, *, digits: int
) -> Target:
    """The larger size's median at most `limit` times the smaller one's."""
    if not (small and large):
        return Target(goal, None, NOT_IN_RUN)
    ratio = large.median_ms / small.median_ms
    figure = f"{_ms(large.median_ms)} ms / {_ms(small.median_ms)} ms = {ratio:.{digits}f}x"
    return Target(goal, ratio <= limit, figure)


def _memory_target(run: Run, rss_limit_mib: int) -> Target:
    goal = f"Peak RSS per gunicorn worker serving the 10,000-comment post ≤ {rss_limit_mib} MiB"
    heavy = run.throughput("post-10000")
    if not heavy or heavy.peak_rss_kib is None:
        return Target(goal, None, NOT_IN_RUN)
    figure = _mib(heavy.peak_rss_kib)
    if heavy.rss_before_kib is not None:
        figure += f" ({_mib(heavy.rss_before_kib)} before serving it)"
    return Target(goal, heavy.peak_rss_kib <= rss_limit_mib * 1024, figure)


HEADER = (
    "measurement",
    "status",
    "median ms",
    "p90 ms",
    "queries",
    "x hello",
    "req/s",
    "% of hello",
    "peak RSS",
)


def table_rows(run: Run) -> list[tuple[str, ...]]:
    rows = []
    hello = run.timing("hello")
    for timing in run.timings:
        ratio = ""
        if hello and timing.key != "hello" and not timing.key.startswith("reply-"):
            ratio = _ratio(timing.median_ms / hello.median_ms)
        elif timing.key == "hello":
            ratio = "1.0"
        rows.append(
            (
                timing.label,
                str(timing.status),
                _ms(timing.median_ms),
                _ms(timing.p90_ms),
                "-" if timing.queries is None else str(timing.queries),
                ratio,
                "",
                "",
                "",
            )
        )
    hello_rate = run.hello_rate()
    for load in run.throughputs:
        share = ""
        if hello_rate and hello_rate.requests_per_second:
            share = _share(load.requests_per_second / hello_rate.requests_per_second)
        rows.append(
            (
                load.label,
                str(load.status),
                _ms(load.latency_p50_ms),
                _ms(load.latency_p90_ms),
                "",
                "",
                f"{load.requests_per_second:,.1f}",
                share,
                _mib(load.peak_rss_kib) if load.peak_rss_kib is not None else "",
            )
        )
    return rows


def text_table(run: Run) -> str:
    rows = [HEADER, *table_rows(run)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(run: Run) -> str:
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "| --- |" + " ---: |" * (len(HEADER) - 1),
    ]
    for row in table_rows(run):
        lines.append("| " + " | ".join(cell or " " for cell in row) + " |")
    return "\n".join(lines)


def target_lines(targets: list[Target]) -> list[str]:
    return [f"{target.verdict}: {target.text} (measured: {target.figure})" for target in targets]


def markdown(run: Run, targets: list[Target]) -> str:
    machine = run.machine
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`python -m bench`) on {machine['date']}"
        f" at commit {machine['commit']}.",
        "",
    ]
    lines += [f"> {note}" for note in run.notes]
    if run.notes:
        lines.append("")
    lines += ["## Machine", ""]
    lines += [
        f"- {name}: {value}" for name, value in machine.items() if name not in {"date", "commit"}
    ]
    lines += ["", "## Method", ""]
    lines += [f"- {name}: {value}" for name, value in run.method.items()]
    lines += ["", "## Results", "", markdown_table(run), ""]
    notes = [t for t in run.timings if t.note] + [t for t in run.throughputs if t.note]
    for item in notes:
        lines.append(f"- {item.label}: {item.note}")
    if notes:
        lines.append("")
    lines += ["## Targets", ""]
    lines += [
        f"- **{target.verdict}**: {target.text} (measured: {target.figure})" for target in targets
    ]
    lines.append("")
    return "\n".join(lines)


GENERATED_SECTIONS = ("## Machine", "## Method", "## Results", "## Targets")


def write_report(path: Path, report: str) -> None:
    """Write `make bench`'s report (`markdown`) into BENCHMARKS.md, keeping every section
    it does not write (the notes written by hand after it, the mixed-load and fault
    tables of `write_section`) as they are."""
    kept = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        headings = re.finditer(r"^## .*$", text, re.M)
        others = [m.start() for m in headings if m.group(0) not in GENERATED_SECTIONS]
        kept = text[others[0] :] if others else ""
    path.write_text(report.rstrip("\n") + ("\n\n" + kept if kept else "\n"), encoding="utf-8")


def write_section(path: Path, section: str) -> None:
    """Put a `## Heading` section (its first line) into BENCHMARKS.md, replacing the
    section of that heading if there is one, else adding it at the end."""
    heading = section.splitlines()[0]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def pipe_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Return the lines of a Markdown table (every column left as Markdown aligns it)."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]
