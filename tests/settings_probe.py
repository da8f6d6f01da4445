"""What config/settings.py makes of an environment, read without the tests' own settings.

`settings_of` runs the settings module afresh in this process (it only reads the
environment: no need for a new Python process, about a second apiece on this machine);
`probe` runs code in a fresh process, for what needs Django set up with those settings.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent

# Variables settings are read from: the values this test process has are left out.
SETTINGS_VARIABLES = ("DJANGO_", "DATABASE_", "CACHE_", "REDIS_URL")
DATABASE_KEYS = ("NAME", "HOST", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "TEST")


def probe(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process with only the given settings in its environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_VARIABLES)}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(BASE_DIR))
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        cwd=BASE_DIR,
        check=False,
    )


def settings_of(**env) -> dict:
    """Return what config/settings.py sets in an environment with only the given settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_VARIABLES)}
    with mock.patch.dict(os.environ, {**environment, **env}, clear=True):
        values = runpy.run_path(str(BASE_DIR / "config" / "settings.py"))
    databases = {
        alias: {key: db.get(key) for key in DATABASE_KEYS}
        for alias, db in values["DATABASES"].items()
    }
    return {
        "middleware": values["MIDDLEWARE"],
        "staticfiles": values["STORAGES"]["staticfiles"]["BACKEND"],
        "databases": databases,
        "replicas": values["DATABASE_REPLICAS"],
        "routers": values["DATABASE_ROUTERS"],
        "cache": values["CACHES"]["default"],
    }
