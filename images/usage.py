"""Who uses an image, for refusing to delete one still shown somewhere.

Images depend on no other app; apps that show images (blog: figures in post bodies)
register a function returning, for an image, the objects that show it.
"""

from collections.abc import Callable, Iterable

_finders: list[Callable[[object], Iterable[object]]] = []


def register_usage(finder: Callable[[object], Iterable[object]]) -> None:
    """Register `finder(image)`, which returns the objects that show the image."""
    if finder not in _finders:
        _finders.append(finder)


def image_users(image) -> list[object]:
    """Return every registered object that shows the image."""
    return [user for finder in _finders for user in finder(image)]
