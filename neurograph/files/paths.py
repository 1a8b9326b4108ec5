"""File names as users give them, and as messages show them.

Every reader and writer of the package takes its path through :func:`path_of` (a str or
an ``os.PathLike``; None, numbers, bytes and names with a NUL character are refused
with a NetworkError) and names it in messages through :func:`shown` (once, shortened, with
control characters escaped, so an error stays one line).
"""

import os
from pathlib import Path

from ..errors import NetworkError, describe

__all__ = ["path_of", "shown"]

SHOWN = 100
"""The most characters of a path a message shows (its start and its end)."""


def path_of(value, what="a file name"):
    """`value` as a Path: a str or an ``os.PathLike`` naming a file.

    Raises
    ------
    NetworkError
        For None, numbers, bytes, an empty name or one holding a NUL character.

    Examples
    --------
    >>> path_of("net.json")
    PosixPath('net.json')
    >>> path_of(None, "a network file's name")
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: a network file's name must be a str or a path; received None
    """
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise NetworkError(f"{what} must be a str or a path; received {describe(value)}")
    if not value:
        raise NetworkError(f"{what} must not be empty")
    if "\0" in value:
        raise NetworkError(f"{what} must not hold a NUL character; received {shown(value)}")
    return Path(value)


def shown(path):
    """A path for a message: its characters as given, control characters escaped (a
    newline shows as ``\\n``), and the middle left out of a long one.

    Examples
    --------
    >>> shown("net.json"), shown("a\\nb.json")
    ('net.json', 'a\\\\nb.json')
    >>> len(shown("d/" * 300 + "net.json"))
    100
    """
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in os.fspath(path))
    if len(text) <= SHOWN:
        return text
    tail = SHOWN * 3 // 5
    return text[:SHOWN - tail - 3] + "..." + text[-tail:]
