"""Settings for the benchmark harness (`python -m bench`) only; never for a real site.

The site's own settings (from the environment, production or not), plus a URLconf with a
trivial "hello" view that measures the framework's ceiling, and emails kept in memory.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
# Reply inserts notify people; a benchmark must not send mail.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Counts discussion builds when BENCH_COUNT_BUILDS=1 (python -m bench.mixed); else idle.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.instrument.InstrumentConfig"]  # noqa: F405
