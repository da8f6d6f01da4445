"""Writes concerning the people behind the blog: authors and their staff accounts."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.text import slugify

from authors.models import Author

# Groups created by the data migration blog/0002_staff_groups.
DEMO_STAFF_GROUPS = ("Editors", "Moderators")


@transaction.atomic
def demo_staff_create(*, username: str, password: str) -> tuple[AbstractUser, bool]:
    """Create a staff account (not a superuser) in the Editors and Moderators groups.

    If the username is taken, return that user untouched and False. Raises
    ValidationError for a username or password the site's validators refuse.
    """
    user_model = get_user_model()
    existing = user_model.objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    groups = list(Group.objects.filter(name__in=DEMO_STAFF_GROUPS))
    if len(groups) != len(DEMO_STAFF_GROUPS):
        raise Group.DoesNotExist(f"the {' and '.join(DEMO_STAFF_GROUPS)} groups are missing")
    user = user_model(username=username, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(*groups)
    return user, True


def author_default() -> Author:
    """Return the blog's default author (settings.BLOG_DEFAULT_AUTHOR), created on first use.

    Imported pages that name no author are filed under it. Runs queries.
    """
    name = settings.BLOG_DEFAULT_AUTHOR
    if not slugify(name):
        raise ImproperlyConfigured(
            f"BLOG_DEFAULT_AUTHOR {name!r} has no letters or digits to make an author's URL from"
        )
    author, _ = Author.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return author


def is_default_author(author: Author) -> bool:
    """Return True for the author that pages naming no author are imported under."""
    return author.slug == slugify(settings.BLOG_DEFAULT_AUTHOR)
