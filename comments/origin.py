"""Which site a comment was sent from, as the browser says (instead of a CSRF token).

Post pages are cached and shared by every reader without cookies, so their comment form
cannot carry a per-visitor CSRF token. A forged comment would come from another site's
page in the victim's browser, and browsers say where a request comes from in headers no
page can set or remove (forbidden header names): `Sec-Fetch-Site` (Fetch Metadata, sent
by Chromium since 2020, Firefox since 2021, Safari since 2023) and `Origin` (sent on
every POST by all current browsers). Go's `net/http.CrossOriginProtection` relies on the
same two headers. The check:

- `Sec-Fetch-Site: same-origin` (or `none`, a navigation the user started) is accepted;
  `same-site` (a sibling subdomain) and `cross-site` are refused;
- else an `Origin` equal to this site's (or listed in `CSRF_TRUSTED_ORIGINS`) is accepted,
  any other (including `null`) refused;
- else the browser said nothing (a very old browser or a privacy proxy): the form goes
  through Django's CSRF token check as before, which sends the comment back once to be
  confirmed with a token (`comments.views.csrf_failure`). So no request passes that a
  token would have refused unless its browser vouched for its origin.
"""

import enum

from django.conf import settings


class Verdict(enum.Enum):
    SAME_ORIGIN = "same-origin"
    CROSS_ORIGIN = "cross-origin"
    UNKNOWN = "unknown"


ACCEPTED_FETCH_SITES = frozenset({"same-origin", "none"})


def request_origin(request) -> Verdict:
    """Return where the browser says the request came from (reads headers only)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site in ACCEPTED_FETCH_SITES:
            return Verdict.SAME_ORIGIN
        return Verdict.CROSS_ORIGIN
    origin = request.headers.get("Origin")
    if origin is None:
        return Verdict.UNKNOWN
    own = f"{request.scheme}://{request.get_host()}"
    if origin == own or origin in settings.CSRF_TRUSTED_ORIGINS:
        return Verdict.SAME_ORIGIN
    return Verdict.CROSS_ORIGIN
