"""The load tools: wrk's report is read correctly; load only ever goes to 127.0.0.1."""

import pytest

from bench import load

WRK_REPORT = """\
Running 1s test @ http://127.0.0.1:18799/nope
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.22ms   15.43ms  99.29ms   91.44%
    Req/Sec     0.89k   678.21     2.40k    70.00%
  Latency Distribution
     50%  850.00us
     75%    5.51ms
     90%    1.20s
     99%   85.37ms
  901 requests in 1.04s, 457.54KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    862.87
Transfer/sec:    438.18KB
"""


def test_wrk_report_gives_rate_latency_percentiles_and_errors():
    result = load.parse_wrk(WRK_REPORT)

    assert result.requests_per_second == pytest.approx(862.87)
    assert result.completed == 901
    assert result.latency_p50_ms == pytest.approx(0.85)
    assert result.latency_p90_ms == pytest.approx(1200.0)
    assert result.errors == 7 + 2 + 3


def test_clean_wrk_report_has_no_errors():
    clean = "\n".join(
        line for line in WRK_REPORT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )

    assert load.parse_wrk(clean).errors == 0


def test_unreadable_wrk_output_is_an_error():
    with pytest.raises(ValueError, match="unexpected wrk output"):
        load.parse_wrk("wrk: connection refused")


@pytest.mark.parametrize(
    "url", ["http://example.org/", "http://10.0.0.1:8000/", "http://localhost/"]
)
def test_load_is_only_sent_to_the_loopback_address(url):
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        load.run_python_client(url, headers={}, duration=0.1, connections=1)
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        load.run_wrk(url, headers={}, duration=0.1, connections=1, threads=1)


def test_nearest_rank_percentile():
    samples = [float(n) for n in range(1, 11)]

    assert load.percentile(samples, 50) == 5.0
    assert load.percentile(samples, 90) == 9.0
    assert load.percentile(samples, 100) == 10.0
    assert load.percentile([3.0], 90) == 3.0


def test_wrk_is_given_whole_seconds_and_at_least_a_connection_per_thread():
    command = load.wrk_command(
        "http://127.0.0.1:8000/page/",
        headers={"X-Forwarded-Proto": "https", "If-None-Match": '"abc"'},
        duration=44.73,
        connections=1,
        threads=2,
    )

    assert command[1:4] == ["-t1", "-c1", "-d45s"]
    assert command[-5:] == [
        "-H",
        "X-Forwarded-Proto: https",
        "-H",
        'If-None-Match: "abc"',
        "http://127.0.0.1:8000/page/",
    ]
    assert "-d120s" in load.wrk_command(
        "http://127.0.0.1:8000/", headers={}, duration=1000, connections=16, threads=2
    )
