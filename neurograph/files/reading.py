"""Reading files with a cap, and JSON strictly.

:func:`read_text` reads regular files only (a device, a pipe or a socket is refused without
reading from it), at most :data:`READ_LIMIT` bytes, as UTF-8 (a byte-order mark skipped);
:func:`read_json` parses such a file where :func:`json.loads` is lenient: a key given twice
in one object, ``NaN``, ``Infinity`` and integers of hundreds of digits are refused, saying
where. Every reader of the package's files uses them.
"""

import json
import os
import stat

from ..errors import NetworkError, describe
from .paths import path_of, shown

__all__ = ["read_bytes", "READ_LIMIT", "INTEGER_DIGITS", "read_text", "read_json"]

READ_LIMIT = 256 * 2 ** 20
"""The most bytes a reader reads from one file: 256 MiB, about five million edges as JSON
(a larger file is refused, saying so). Reading stops there whatever the file is, so a
name that leads to an endless source can never make a reader read forever."""


def read_bytes(path, what):
    """The bytes of the regular file `path`, at most :data:`READ_LIMIT` of them; a device,
    a pipe or a socket is refused without reading from it.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What the file should hold, for messages ("a network file").

    Raises
    ------
    NetworkError
        Naming the file: missing, a folder, not a regular file, unreadable, or larger than
        the limit.
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
    return data


def read_text(path, what):
    """The UTF-8 text of the regular file `path` (a byte-order mark is dropped), read by
    :func:`read_bytes`; a NetworkError names the file, and the first byte that is not
    UTF-8."""
    data = read_bytes(path, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetworkError(f"{shown(path_of(path, what))}: cannot be read as UTF-8 text (byte "
                           f"{error.start}: {error.reason})") from None


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


def read_json(path, what):
    """The JSON document in the file `path`, as plain data.

    Strict where :func:`json.loads` is lenient: a key given twice in one object, ``NaN``,
    ``Infinity`` and integers of thousands of digits are refused, as are empty files; the
    file is read by :func:`read_text`.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        What the file should hold, for messages ("a JSON network").

    Raises
    ------
    NetworkError
        Naming the file and, where it can be told, the line and column.
    """
    path = path_of(path, f"{what}'s name")
    source = shown(path)
    text = read_text(path, what)
    if not text.strip():
        raise NetworkError(f"{source}: the file is empty; expected {what}")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_integer,
                          object_pairs_hook=_unique)
    except json.JSONDecodeError as error:
        raise NetworkError(f"{source}: not valid JSON at line {error.lineno}, column "
                           f"{error.colno}: {error.msg}") from None
    except RecursionError:
        raise NetworkError(f"{source}: nested too deeply to be {what}") from None
    except _Refused as error:  # a repeated key or a huge integer: say where, if we can
        raise NetworkError(f"{source}: {_where(text, error.found)}{error}") from None
    except ValueError as error:  # NaN or Infinity: say where, as for every other fault
        raise NetworkError(f"{source}: {_where_constant(text)}{error}") from None


class _Refused(ValueError):
    """Something JSON allows and a neurograph file may not hold; `found` is its text."""

    def __init__(self, message, found):
        super().__init__(message)
        self.found = found


def _unique(pairs):
    """An object's pairs as a dict, refusing a key given twice (JSON would keep the last)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        key = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _Refused(f"the key {describe(key)} is given twice in one object; expected each key "
                       f"once", None)
    return result


INTEGER_DIGITS = 400
"""The most digits an integer in a JSON file may have: an id has 10 at most, and a weight
beyond 101 digits is refused anyway; Python itself refuses to read beyond 4,300."""


def _integer(text):
    if len(text) > INTEGER_DIGITS + 1:
        raise _Refused(f"an integer of {len(text.lstrip('-')):,} digits; no number in a "
                       f"network file has more than {INTEGER_DIGITS}", text)
    return int(text)


def _where(text, found):
    """"line L, column C: " of `found` in `text` (its first occurrence), or ""."""
    at = -1 if found is None else text.find(found)
    return "" if at < 0 else _place(text, at)


def _where_constant(text):
    """"line L, column C: " of the first bare NaN or Infinity outside a string, or ""."""
    import re
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)', text):
        if match.group(1):
            return _place(text, match.start())
    return ""


def _place(text, at):
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - text.rfind(chr(10), 0, at)}: "


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number a network can hold; weights must be finite")
