"""Benchmark harness: `make bench` or `python -m bench [--quick] [--database-url URL]`."""
