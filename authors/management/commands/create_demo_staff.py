"""Create a staff account for trying the admin locally: `manage.py create_demo_staff`."""

import os
import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from authors.services import DEMO_STAFF_GROUPS, demo_staff_create

DEFAULT_USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Create a demo staff account (Editors and Moderators, not superuser) for local use. "
        "Takes DEMO_STAFF_USERNAME and DEMO_STAFF_PASSWORD from the environment; otherwise "
        f"creates '{DEFAULT_USERNAME}' with a random password, printed once. An existing "
        "account is left as it is. Refused unless DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Where the site runs, for the login address printed (default: make run's).",
        )

    def _how_to_log_in(self, site_url: str, username: str) -> None:
        self.stdout.write(f"  log in at: {site_url.rstrip('/')}{reverse('admin:index')}")
        self.stdout.write(f"  username:  {username}")

    def _how_to_reset(self, username: str) -> None:
        self.stdout.write(
            f"Forgot the password? Set a new one with: "
            f".venv/bin/python manage.py changepassword {username}"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo staff account: DEBUG is off, so these are not "
                "local development settings. Create real accounts with createsuperuser "
                "or in the admin."
            )
        username = os.environ.get("DEMO_STAFF_USERNAME", "").strip() or DEFAULT_USERNAME
        password = os.environ.get("DEMO_STAFF_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(16)
        try:
            user, created = demo_staff_create(username=username, password=password)
        except ValidationError as error:
            raise CommandError(
                f"Demo staff account {username!r} not created: {' '.join(error.messages)}"
            ) from None
        except Group.DoesNotExist as error:
            raise CommandError(f"Demo staff account not created: {error} (run migrate).") from None

        site_url = options["site_url"]
        if not created:
            self.stdout.write(f"Demo staff account {username!r} already exists; nothing changed.")
            self._how_to_log_in(site_url, user.get_username())
            self._how_to_reset(user.get_username())
            return
        groups = " and ".join(DEMO_STAFF_GROUPS)
        self.stdout.write(
            self.style.SUCCESS(f"Created demo staff account {username!r} ({groups}).")
        )
        self._how_to_log_in(site_url, user.get_username())
        if generated:
            self.stdout.write(f"  password:  {password}")
            self.stdout.write("The password is shown only this once.")
        else:
            self.stdout.write("  password:  the one in DEMO_STAFF_PASSWORD")
        self._how_to_reset(user.get_username())
