"""Settings for the benchmark harness (`python -m bench`) only; never for a real site.

The site's own settings (from the environment, production or not), plus a URLconf with a
trivial "hello" view that measures the framework's ceiling, and emails kept in memory.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "config.bench_urls"
# Reply inserts notify people; a benchmark must not send mail.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Counts discussion builds when BENCH_COUNT_BUILDS=1 (python -m bench.mixed); else idle.
INSTALLED_APPS = [*INSTALLED_APPS, "bench.instrument.InstrumentConfig"]  # noqa: F405

# A quick run (`--quick`, the test suite's) measures no static file: it collects them with
# hashed names, which the templates' {% static %} needs, but without WhiteNoise's
# compressed copies (about 5 s of CPU on 2 cores; tests/test_production.py tests those).
if os.environ.get("BENCH_QUICK") == "1":
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
