"""Writing a file whole or not at all.

What is promised: the target is either left exactly as it was or replaced whole by the
new content (a rename, atomic on the same file system), and a replaced file keeps its
permission bits. A failure is a NetworkError naming the file once, and leaves no file of
ours behind.

Where Linux's ``O_TMPFILE`` works (an unnamed file that can later be given a name: not
every file system allows it) the new content is written to an unnamed file, which
vanishes with the process if it is killed, and named only for the instant before the
rename. Elsewhere it is written to a hidden temporary file beside the target,
``.NAME.XXXXXXXXXXXX.neurograph-save`` (NAME cut to 32 bytes, so any name the file system
allows can be saved). Either way the writing process holds an exclusive ``flock`` on its
temporary file while it lives: the kernel lets go of it when the process dies, however it
dies. Every save first removes the temporary files of ours in its folder that no process
holds — a killed writer's leftovers, recognized at once — and never one a live writer
holds. Where locks cannot be taken (no ``fcntl``, or a file system without them) a
leftover is removed once it is an hour old; so are the ``.neurograph-tmp`` files of
earlier versions, which held no lock.

A symbolic link as the target is written through: the file it names is replaced (beside
that file, atomically) and the link is kept, as ``open(path, "w")`` would. A target that
is not a regular file (a device, a pipe) is refused.
"""

import os
import secrets
import stat
import time
from pathlib import Path

from ..errors import NetworkError
from .paths import path_of, shown

try:
    import fcntl
except ImportError:  # not POSIX: no locks, the age rule alone
    fcntl = None

__all__ = ["writable", "write_atomically", "TEMPORARY_SUFFIX"]

TEMPORARY_SUFFIX = ".neurograph-save"
EARLIER_SUFFIX = ".neurograph-tmp"  # earlier versions' temporary files: no lock, the age rule
STALE_AFTER = 3600.0  # seconds: where no lock tells, an older temporary file is a leftover
NAME_BYTES = 32  # of the target's name kept in a temporary file's name
_NAMING_WORKS = {}  # device → whether an O_TMPFILE file can be given a name there


def writable(path, suffixes, what):
    """`path` as a Path, if it can be written: its suffix one of `suffixes`, its folder
    there and writable, its name within the file system's limit, and no folder, device or
    pipe in its place.

    Raises
    ------
    NetworkError
        Saying which, naming the file once.
    """
    path = path_of(path, what)
    if path.suffix.lower() not in suffixes:
        raise NetworkError(f"{what} must end in {', '.join(suffixes)}; received {shown(path)}")
    target = _target(path)
    if not target.parent.is_dir():
        raise NetworkError(f"cannot write {shown(path)}: its folder does not exist")
    name = len(os.fsencode(target.name))
    most = _name_max(target.parent)
    if name > most:
        raise NetworkError(f"cannot write {shown(path)}: its name is {name} bytes long; the "
                           f"file system allows {most}")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise NetworkError(f"cannot write {shown(path)}: {error.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise NetworkError(f"cannot write {shown(path)}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode):
        raise NetworkError(f"cannot write {shown(path)}: it is not a regular file (a device, "
                           f"pipe or socket)")
    if mode is not None and not os.access(target, os.W_OK) \
            or not os.access(target.parent, os.W_OK):
        raise NetworkError(f"cannot write {shown(path)}: permission denied")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` with a binary file open for writing, then make it `path`.

    If `write` raises, or the process dies, `path` is as it was. Returns the path.

    Raises
    ------
    NetworkError
        If the system refuses a step (no room, a read-only file system, a folder that
        takes no new files), naming the file; nothing of ours is left behind.
    """
    path = path_of(path)
    target = _target(path)
    step = "could not make a file in its folder"
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        _remove_leftovers(target.parent)
        fd, named = _temporary(target)
        try:
            with os.fdopen(fd, "wb") as handle:
                fd = None  # the handle owns it now
                step = "could not write the new content"
                write(handle)
                handle.flush()
                os.fchmod(handle.fileno(), mode)
                if named is None:  # give the unnamed file a name for the instant of the rename
                    step = "could not name the new content"
                    named = _link(handle.fileno(), target)
                step = "could not replace it"
                os.replace(named, target)  # (the lock goes with the handle, once it is renamed)
                named = None
        finally:
            if fd is not None:
                os.close(fd)
            if named is not None:
                _remove(named)
    except OSError as error:
        raise NetworkError(f"cannot write {shown(path)}: {step} "
                           f"({error.strerror or error})") from None
    return path


def _target(path):
    """The file a save replaces: `path`, or the file a symbolic link at `path` names."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _name_max(folder):
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _temporary(target):
    """(fd, None) of an unnamed file beside `target`, else (fd, name) of a new hidden file
    there; either way locked by this process."""
    fd = _unnamed(target.parent)
    if fd is not None:
        _hold(fd)
        return fd, None
    while True:
        named = _name_for(target)
        try:
            fd = os.open(named, os.O_RDWR | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue  # (48 random bits met another save's: a new name)
        _hold(fd)
        # another save may have found it unlocked in the instant before the lock, and
        # removed it as a leftover: then start again under a new name
        try:
            if os.stat(named, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                return fd, named
        except FileNotFoundError:
            pass
        os.close(fd)


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
    try:
        _hold(fd)
        _remove(_link(fd, Path(folder) / "probe"))
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _link(fd, target):
    """Give the unnamed file `fd` a temporary name beside `target`; return the name."""
    named = _name_for(target)
    os.link(f"/proc/self/fd/{fd}", named)
    return named


def _name_for(target):
    """A fresh hidden name beside `target`: the start of its name, then random digits."""
    start = os.fsencode(target.name)[:NAME_BYTES].decode("utf-8", "ignore")
    return target.parent / f".{start}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}"


def _hold(fd):
    """Lock the file `fd` for as long as this process keeps it open (and no longer: the
    kernel lets go when the process dies). False where locks cannot be taken."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        return False
    return True


def _held(fd):
    """Whether some process holds the file `fd`'s lock; None where that cannot be told."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return None
    return False  # (our shared lock goes when fd is closed)


def _remove_leftovers(folder):
    """Remove the temporary files of ours in `folder` that a killed process left behind."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # a folder we may write but not list: nothing to find
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not name.endswith((TEMPORARY_SUFFIX, EARLIER_SUFFIX)):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue  # gone already, a link, or not ours to read
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                continue
            held = _held(fd) if name.endswith(TEMPORARY_SUFFIX) else None
            if held is None:
                held = now - status.st_mtime <= STALE_AFTER
            if not held and os.stat(entry.path, follow_symlinks=False).st_ino == status.st_ino:
                os.unlink(entry.path)
        except OSError:
            pass  # gone already, or not ours to remove
        finally:
            os.close(fd)


def _remove(named):
    try:
        os.remove(named)
    except FileNotFoundError:
        pass
