import pytest
from django.core.cache import cache


@pytest.fixture
def relaxed_limits(settings):
    """Turn off flood control and the rate limit (tests post many comments quickly)."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    cache.clear()
    yield settings
    cache.clear()
