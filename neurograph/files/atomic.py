"""Writing a file whole or not at all.

What is promised: the target is either left exactly as it was or replaced whole by the
new content (a rename, atomic on the same file system), and a replaced file keeps its
permission bits; a symbolic link at the target is replaced, never written through. Where
Linux's ``O_TMPFILE`` works (an unnamed file that can later be given a name: not every file
system allows it) the new content is written to an unnamed file, which vanishes with the
process if it is killed, and named only from then until the rename (:func:`write_together`
renames several files once all are written). Elsewhere it is written to a hidden temporary
file beside the target (``.NAME.XXXXXXXX.neurograph-tmp``); a process killed mid-write can
leave one behind, and the next save into that folder removes such leftovers of ours
that are more than an hour old.
"""

import os
import stat
import tempfile
import time
from pathlib import Path

from ..errors import NetworkError, describe

__all__ = ["writable", "write_atomically", "write_together", "TEMPORARY_SUFFIX"]

TEMPORARY_SUFFIX = ".neurograph-tmp"
STALE_AFTER = 3600.0  # seconds: an older temporary file of ours is a leftover
_NAMING_WORKS = {}  # device → whether an O_TMPFILE file can be given a name there


def writable(path, suffixes, what):
    """`path` as a Path, if its folder exists and its suffix is one of `suffixes`."""
    if not isinstance(path, (str, os.PathLike)):
        raise NetworkError(f"{what} must be a path; received {describe(path)}")
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise NetworkError(f"{what} must end in {', '.join(suffixes)}; received "
                           f"{str(path)[:80]!r}")
    if not path.parent.is_dir():
        raise NetworkError(f"cannot write {str(path)[:80]!r}: the folder "
                           f"{str(path.parent)[:80]!r} does not exist")
    if path.is_dir():
        raise NetworkError(f"cannot write {str(path)[:80]!r}: it is a folder")
    if path.exists() and not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise NetworkError(f"cannot write {str(path)[:80]!r}: permission denied")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` with a binary file open for writing, then make it `path`.

    If `write` raises, or the process dies, `path` is as it was. A symbolic link at `path` is
    replaced by the new file, never followed. Returns the path.
    """
    return write_together([(path, write)])[0]


def write_together(writes):
    """Write several files whole, or none of them: each ``(path, write)`` as
    :func:`write_atomically` writes it, every file first written under a temporary name and
    only then all of them renamed into place.

    If any `write` raises (a full disk, say), no target is touched and the temporary files
    are removed. Returns the paths.
    """
    staged = []
    try:
        for path, write in writes:
            path = Path(path)
            staged.append((_staged(path, write), path))
        for k, (named, path) in enumerate(staged):
            os.replace(named, path)
            staged[k] = (None, path)
    finally:
        for named, _ in staged:
            if named is not None and os.path.exists(named):
                os.remove(named)
    return [path for _, path in staged]


def _staged(path, write):
    """``write(file)`` into a new file beside `path`, named only by a temporary name: that
    name. The permission bits are those of the file at `path` (not of what a link there
    points to), or the umask's for a new file."""
    try:
        status = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISLNK(status.st_mode):
        mode = stat.S_IMODE(status.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    _remove_leftovers(path)
    fd = _unnamed(path.parent)
    named = None
    try:
        if fd is None:  # no O_TMPFILE here: a hidden named temporary file
            fd, named = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                                         dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            fd = None  # the handle owns it now
            write(handle)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            if named is None:  # give the unnamed file a name until the rename
                named = _name_for(path)
                os.link(f"/proc/self/fd/{handle.fileno()}", named)
        staged, named = named, None
        return staged
    finally:
        if fd is not None:
            os.close(fd)
        if named is not None and os.path.exists(named):
            os.remove(named)


def _unnamed(folder):
    """A file descriptor of an unnamed file in `folder` (Linux's O_TMPFILE) that can be
    given a name later, or None."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    device = os.stat(folder).st_dev
    if device not in _NAMING_WORKS:
        _NAMING_WORKS[device] = _naming_works(folder, flag)
    if not _NAMING_WORKS[device]:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return None


def _naming_works(folder, flag):
    """Whether an unnamed file in `folder` can be given a name (some file systems refuse)."""
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return False
    probe = _name_for(Path(folder) / "probe")
    try:
        os.link(f"/proc/self/fd/{fd}", probe)
    except OSError:
        return False
    else:
        os.remove(probe)
        return True
    finally:
        os.close(fd)


def _name_for(path):
    return path.parent / f".{path.name}.{os.getpid()}.{time.monotonic_ns()}{TEMPORARY_SUFFIX}"


def _remove_leftovers(path):
    """Remove temporary files of ours for `path` that a killed process left behind."""
    now = time.time()
    for leftover in path.parent.glob(f".{path.name}.*{TEMPORARY_SUFFIX}"):
        try:
            if now - leftover.stat().st_mtime > STALE_AFTER:
                leftover.unlink()
        except OSError:
            pass  # gone already, or not ours to remove
