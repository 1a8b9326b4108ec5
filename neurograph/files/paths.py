"""File names as users give them, shown in messages, and files read with a cap.

Every reader and writer of the package takes its path through :func:`path_of` (a str or
an ``os.PathLike``; None, numbers, bytes and names with a NUL character are refused
with a NetworkError), names it in messages through :func:`shown` (once, shortened, with
control characters escaped, so an error stays one line), and reads a file through
:func:`read_text`, which reads regular files only and at most :data:`READ_LIMIT` bytes.
"""

import os
import stat
from pathlib import Path

from ..errors import NetworkError, describe

__all__ = ["READ_LIMIT", "path_of", "read_text", "shown"]

READ_LIMIT = 256 * 2 ** 20
"""The most bytes a reader reads from one file: 256 MiB, about five million edges as JSON
(a larger file is refused, saying so). Reading stops there whatever the file is, so a
name that leads to an endless source can never make a reader read forever."""

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


def read_text(path, what):
    """The UTF-8 text of the regular file `path` (a byte-order mark is dropped).

    At most :data:`READ_LIMIT` bytes are read; a device, a pipe or a socket is refused
    without reading from it.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What the file should hold, for messages ("a network file").

    Raises
    ------
    NetworkError
        Naming the file: missing, a folder, not a regular file, unreadable, larger than
        the limit, or not UTF-8.
    """
    path = path_of(path, f"{what}'s name")
    source = shown(path)
    try:  # O_NONBLOCK: opening a pipe with no writer must not wait for one
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise NetworkError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise NetworkError(f"{source}: is a folder, not a file") from None
    except OSError as error:
        raise NetworkError(f"{source}: cannot be read ({error.strerror})") from None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise NetworkError(f"{source}: is a folder, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise NetworkError(f"{source}: is not a regular file (a device, pipe or socket); "
                               f"expected {what}")
        # (a file of /proc says 0 bytes and holds more: the size is only a hint)
        data = b"" if status.st_size > READ_LIMIT else _read(fd, READ_LIMIT + 1)
    except OSError as error:
        raise NetworkError(f"{source}: cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > READ_LIMIT or status.st_size > READ_LIMIT:
        raise NetworkError(f"{source}: larger than {_size(READ_LIMIT)}, the most neurograph "
                           f"reads from one file; expected {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetworkError(f"{source}: cannot be read as UTF-8 text (byte {error.start}: "
                           f"{error.reason})") from None


def _read(fd, most):
    """Up to `most` bytes from `fd`, to its end."""
    chunks, left = [], most
    while left:
        chunk = os.read(fd, min(left, 2 ** 24))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _size(n):
    return f"{n // 2 ** 20} MiB" if n >= 2 ** 20 else f"{n:,} bytes"
