import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture
def relaxed_limits(settings):
    """Turn off flood control and the rate limit (tests post many comments quickly)."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def frozen_clock():
    """Stop the clock for the test. The rate limit counts per window of the clock (an hour):
    a test that posts across a window's boundary would start a new count halfway."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller
