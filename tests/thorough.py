"""How much of a property test runs: a sample in `make test`, everything in
`make test-thorough` (TEST_THOROUGH=1), which CI runs as well.

The property tests (marked `property`) draw hundreds of generated documents or random
write sequences. The edit loop and `make test` run a fifth or so of each, enough to
catch most regressions in seconds; the thorough run keeps the counts the tests were
written with.
"""

import os

import pytest

THOROUGH = os.environ.get("TEST_THOROUGH", "") not in ("", "0")

# The mark of a test whose size depends on THOROUGH (`make test-thorough` selects it).
property_test = pytest.mark.property


def examples(thorough: int, sample: int) -> int:
    """Return how many examples (or steps, or variants) to run: `thorough` in a thorough
    run, `sample` otherwise."""
    return thorough if THOROUGH else sample
