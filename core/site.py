"""The site's canonical origin: every absolute URL the site writes starts here.

Pages, feeds, the sitemap, structured data and emails all call `absolute_url`, so the same
content carries the same addresses whichever allowed host name a request came by.
"""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return the absolute URL of a path on this site (`/2014/10/x/` -> `https://…/2014/10/x/`).

    A URL that is already absolute is returned as it is.
    """
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def site_origin() -> str:
    """Return the site's scheme and host, e.g. `https://blog.example.org`."""
    return settings.SITE_URL
