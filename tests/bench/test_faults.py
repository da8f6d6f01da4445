"""`python -m bench.faults` (issue 14's proof) works end to end, and its pure parts.

The run is marked load (about a minute: a PostgreSQL cluster is made by initdb, a
redis-server, gunicorn and the mail worker are started, then six short phases): `make
test` leaves it out, `make test-load` (which .ci/run calls) runs it. It uses servers of
its own only, never the shared PostgreSQL or Redis.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import faults
from bench.fault_site import prerequisites
from bench.local_servers import free_port, switchable_smtp

BASE_DIR = Path(__file__).resolve().parents[2]
# Phases where a comment may be stored without its writer hearing so: the server (or the
# worker) went away between the commit and the answer.
ANSWERS_MAY_BE_LOST = {"PostgreSQL stopped", "a gunicorn worker killed"}


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    if missing := prerequisites():
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to run the fault benchmark: missing {missing}")
        pytest.skip(f"this machine lacks {missing}")
    workdir = tmp_path_factory.mktemp("faults")
    (workdir / "BENCHMARKS.md").write_text("# Benchmarks\n\n## Kept\n\nuntouched\n")
    command = [
        sys.executable,
        "-m",
        "bench.faults",
        *("--seconds", "2", "--clients", "6", "--writers", "0.5", "--think", "0.2"),
        *("--drain", "30", "--write", "--output", str(workdir / "BENCHMARKS.md")),
        *("--json", str(workdir / "faults.json")),
    ]
    env = {**os.environ, "TMPDIR": str(workdir)}
    done = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((workdir / "faults.json").read_text())
    return {
        "results": {row["phase"]: row for row in data["results"]},
        "mail": data["mail"],
        "stdout": done.stdout,
        "stderr": done.stderr,
        "markdown": (workdir / "BENCHMARKS.md").read_text(),
    }


def errors_of(row) -> int:
    answered = sum(n for status, n in row["statuses"].items() if int(status) >= 400)
    return answered + row["no_answer"]


@pytest.mark.load
def test_every_phase_runs_under_load(short_run):
    results = short_run["results"]

    assert list(results) == [fault.name for fault in faults.FAULTS.values()]
    for row in results.values():
        assert row["requests"] > 0
        assert row["percentiles_ms"]["p50"] > 0
        assert set(row["percentiles_ms"]) == {"p50", "p95", "p99"}
    assert results["baseline"]["writes"] > 0
    assert results["baseline"]["acknowledged"] > 0


@pytest.mark.load
def test_no_acknowledged_comment_is_lost_and_every_tree_is_sound(short_run):
    for phase, row in short_run["results"].items():
        assert row["missing"] == 0, phase
        assert row["tree_violations"] == 0, phase
        if phase in ANSWERS_MAY_BE_LOST:
            assert 0 <= row["stored"] - row["acknowledged"] <= errors_of(row), phase
        else:
            assert row["stored"] == row["acknowledged"], phase


@pytest.mark.load
def test_faults_give_503s_and_degraded_health_never_500s(short_run):
    results = short_run["results"]

    for phase, row in results.items():
        assert all(int(s) < 500 or int(s) == 503 for s in row["statuses"]), (phase, row)
    assert results["Redis stopped"]["health"] == "200 degraded"
    assert results["Redis paused (SIGSTOP)"]["health"] == "200 degraded"
    assert results["PostgreSQL stopped"]["health"] == "503 down"
    assert results["SMTP stalled"]["health"] == "200 ok"
    assert re.fullmatch(
        r"gunicorn worker \d+ killed at [\d.]+ s", results["a gunicorn worker killed"]["events"][0]
    )


@pytest.mark.load
def test_queued_mail_is_all_sent_in_the_end(short_run):
    mail = short_run["mail"]

    assert mail["still queued"] == 0
    assert mail["failed"] == 0
    assert mail["sent"] == mail["queued in the run"] == mail["received by the SMTP server"]


@pytest.mark.load
def test_the_table_is_printed_and_written_and_the_servers_are_gone(short_run):
    document = short_run["markdown"]

    assert "## Kept\n\nuntouched" in document
    section = document[document.index(faults.SECTION) :]
    assert "| " + " | ".join(faults.HEADER) + " |" in section
    assert len(re.findall(r"^\| (?!phase|---)", section, re.M)) == len(faults.FAULTS)
    assert re.search(r"load average [\d.]+ at the start and [\d.]+ at the end", section)
    assert "| baseline |" in short_run["stdout"] or "baseline\t" in short_run["stdout"]
    cluster = re.search(r"PostgreSQL cluster in (\S+) on port (\d+)", short_run["stderr"])
    assert not Path(cluster.group(1)).exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(cluster.group(2))), timeout=1).close()


def test_a_row_reports_every_column():
    result = faults.PhaseResult(
        phase="Redis stopped",
        seconds=10,
        requests=120,
        percentiles_ms={"p50": 12.4, "p95": 80.6, "p99": None},
        statuses={200: 100, 302: 8, 503: 4, 500: 1, 502: 1, 429: 2},
        no_answer=4,
        writes=10,
        acknowledged=8,
        stored=8,
        missing=0,
        tree_violations=0,
        mails_queued=3,
        mails_sent=2,
        health="200 degraded",
    )

    row = result.row()

    assert len(row) == len(faults.HEADER)
    assert row == [
        *("Redis stopped", "120", "12.0", "12", "81", "-", "2", "4", "2", "4"),
        *("8 / 8", "0", "0", "3 / 2", "200 degraded"),
    ]


@pytest.mark.parametrize(
    "argv",
    [["--seconds", "0"], ["--seconds", "301"], ["--clients", "0"], ["--phases", "flood"]],
)
def test_out_of_bounds_options_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        faults.parse_args(argv)
    assert "error:" in capsys.readouterr().err


def test_the_smtp_server_stalls_and_recovers():
    with switchable_smtp() as smtp:
        smtp.stall()
        stalled = socket.create_connection(("127.0.0.1", smtp.port), timeout=0.5)
        with stalled, pytest.raises(TimeoutError):
            stalled.recv(100)
        smtp.recover()
        time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", smtp.port), timeout=2) as answered:
            assert answered.recv(100).startswith(b"220 ")


def test_free_ports_skip_taken_and_listening_ones():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        taken: set[int] = set()

        assert free_port(range(port, port + 3), taken) == port + 1
        assert free_port(range(port, port + 3), taken) == port + 2
        assert taken == {port + 1, port + 2}
        with pytest.raises(RuntimeError, match="no free port"):
            free_port(range(port, port + 3), taken)
