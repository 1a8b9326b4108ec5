"""Writing files whole or not at all.

What is promised: a target is either left exactly as it was or replaced whole by the new
content (a rename, atomic on the same file system), and a replaced file keeps its
permission bits. :func:`write_together` writes several files so: all are written first,
then all renamed. A failure is a NetworkError naming the file once (shortened, control
characters escaped), and leaves no file of ours behind.

A symbolic link at a target is replaced by the new file, never written through: a link
planted in a shared folder cannot make a save overwrite the file it points to (the new
file takes the umask's permission bits, not those of the file the link named). A folder,
a device, a pipe or a socket at a target is refused.

Where Linux's ``O_TMPFILE`` works (an unnamed file that can later be given a name: not
every file system allows it) the new content is written to an unnamed file, which
vanishes with the process if it is killed, and named only from then until the rename.
Elsewhere it is written to a hidden temporary file beside the target,
``.NAME.TOKEN-K.neurograph-save`` (NAME cut to 32 bytes, so any name the file system allows
can be saved; TOKEN random, one per call).

Leftovers: while a call writes into a folder it holds an ``flock`` on a lock file there,
``.TOKEN.neurograph-lock``, made before its first temporary file and removed after its last.
The kernel lets go of the lock when the process dies, however it dies. Every call first
removes, in each folder it writes to, the temporary files whose call holds no lock any more
— a killed writer's leftovers, recognized at once — and never those of a live call. Where
locks cannot be taken (no ``fcntl``, or a file system without them) a leftover is removed
once it is an hour old; so are the ``.neurograph-tmp`` files of earlier versions, which
held no lock.

Replacing a file breaks its hard links (they keep the old content), as every atomic save
does.
"""

import os
import secrets
import stat
import time

from ..errors import NetworkError
from .paths import path_of, shown

try:
    import fcntl
except ImportError:  # not POSIX: no locks, the age rule alone
    fcntl = None

__all__ = ["writable", "write_atomically", "write_together", "TEMPORARY_SUFFIX",
           "LOCK_SUFFIX"]

TEMPORARY_SUFFIX = ".neurograph-save"
LOCK_SUFFIX = ".neurograph-lock"
EARLIER_SUFFIX = ".neurograph-tmp"  # earlier versions' temporary files: no lock, the age rule
STALE_AFTER = 3600.0  # seconds: where no lock tells, an older file of ours is a leftover
NAME_BYTES = 32  # of the target's name kept in a temporary file's name
_NAMING_WORKS = {}  # device → whether an O_TMPFILE file can be given a name there
_CREATE = os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
_PEEK = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_NONBLOCK", 0)


def writable(path, suffixes, what):
    """`path` as a Path, if it can be written: its suffix one of `suffixes`, its folder
    there and writable, its name within the file system's limit, and no folder, device,
    pipe or read-only file in its place (a symbolic link will be replaced).

    Raises
    ------
    NetworkError
        Saying which, naming the file once.
    """
    path = path_of(path, what)
    if path.suffix.lower() not in suffixes:
        raise NetworkError(f"{what} must end in {', '.join(suffixes)}; received {shown(path)}")
    if not path.parent.is_dir():
        raise NetworkError(f"cannot write {shown(path)}: its folder does not exist")
    name, most = len(os.fsencode(path.name)), _name_max(path.parent)
    if name > most:
        raise NetworkError(f"cannot write {shown(path)}: its name is {name} bytes long; the "
                           f"file system allows {most}")
    try:
        mode = os.stat(path, follow_symlinks=False).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise NetworkError(f"cannot write {shown(path)}: {error.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise NetworkError(f"cannot write {shown(path)}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):
        raise NetworkError(f"cannot write {shown(path)}: it is not a regular file (a device, "
                           f"pipe or socket)")
    if mode is not None and stat.S_ISREG(mode) and not os.access(path, os.W_OK) \
            or not os.access(path.parent, os.W_OK):
        raise NetworkError(f"cannot write {shown(path)}: permission denied")
    return path


def write_atomically(path, write):
    """Call ``write(file)`` with a binary file open for writing, then make it `path`.

    If `write` raises, or the process dies, `path` is as it was. A symbolic link at `path`
    is replaced by the new file, never followed. Returns the path.

    Raises
    ------
    NetworkError
        If the system refuses a step (no room, a read-only file system, a folder that
        takes no new files), naming the file; nothing of ours is left behind.
    """
    return write_together([(path, write)])[0]


def write_together(writes):
    """Write several files whole, or none of them: each ``(path, write)`` as
    :func:`write_atomically` writes it, every file first written under a temporary name and
    only then all of them renamed into place.

    If any `write` raises (a full disk, say), no target is touched and the temporary files
    are removed. Returns the paths.
    """
    writes = [(path_of(path), write) for path, write in writes]
    batch = _Batch()
    try:
        for path, write in writes:
            batch.stage(path, write)
        batch.commit()
    except OSError as error:
        raise NetworkError(f"cannot write {shown(batch.path)}: {batch.step} "
                           f"({error.strerror or error})") from None
    finally:
        batch.close()
    return [path for path, _ in writes]


class _Batch:
    """One call's files: its token, its lock file in each folder, its temporary files."""

    def __init__(self):
        self.token = secrets.token_hex(8)
        self.locks = {}  # folder → (fd, name) of the lock file held there
        self.staged = []  # [temporary name or None once renamed, target]
        self.path, self.step = None, ""

    def stage(self, path, write):
        """``write(file)`` into a new file beside `path`, kept under a temporary name."""
        self.path, self.step = path, "could not make a file in its folder"
        mode = _mode(path)
        folder = path.parent
        self._lock(folder)
        fd, named = _unnamed(folder, self), None
        if fd is None:  # no O_TMPFILE here: a hidden named temporary file
            named = self._name(path)
            fd = os.open(named, os.O_WRONLY | _CREATE, 0o600)
            self.staged.append([named, path])
        with os.fdopen(fd, "wb") as handle:
            self.step = "could not write the new content"
            write(handle)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            if named is None:  # give the unnamed file a name until the rename
                self.step = "could not name the new content"
                named = self._name(path)
                os.link(f"/proc/self/fd/{handle.fileno()}", named)
                self.staged.append([named, path])

    def commit(self):
        """Rename every temporary file into place."""
        for entry in self.staged:
            self.path, self.step = entry[1], "could not replace it"
            os.replace(entry[0], entry[1])
            entry[0] = None

    def close(self):
        """Remove what is left of ours (temporary files, then lock files); let go."""
        for named, _ in self.staged:
            if named is not None:
                _remove(named)
        for fd, name in self.locks.values():
            _remove(name)
            os.close(fd)  # (the lock goes with it)

    def _name(self, target):
        """A fresh hidden name beside `target`: the start of its name, the token, a count."""
        start = os.fsencode(target.name)[:NAME_BYTES].decode("utf-8", "ignore")
        return target.parent / f".{start}.{self.token}-{len(self.staged)}{TEMPORARY_SUFFIX}"

    def _lock(self, folder):
        """Hold this call's lock file in `folder`, first removing the leftovers there."""
        if folder in self.locks:
            return
        _remove_leftovers(folder)
        name = folder / f".{self.token}{LOCK_SUFFIX}"
        while True:  # (readable by all: another user's call can test the lock)
            fd = os.open(name, os.O_RDWR | _CREATE, 0o644)
            _hold(fd)
            # another call may have found it unlocked in the instant before the lock, and
            # removed it as a leftover: then make it again
            if _same_file(name, fd):
                self.locks[folder] = (fd, name)
                return
            os.close(fd)


def _mode(path):
    """The permission bits of the file at `path`, or the umask's for a new file (or for
    one that replaces a symbolic link)."""
    try:
        status = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISREG(status.st_mode):
        return stat.S_IMODE(status.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _name_max(folder):
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _unnamed(folder, batch):
    """A file descriptor of an unnamed file in `folder` (Linux's O_TMPFILE) that can be
    given a name later, or None."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    device = os.stat(folder).st_dev
    if device not in _NAMING_WORKS:
        _NAMING_WORKS[device] = _naming_works(folder, flag, batch)
    if not _NAMING_WORKS[device]:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return None


def _naming_works(folder, flag, batch):
    """Whether an unnamed file in `folder` can be given a name (some file systems refuse)."""
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return False
    probe = batch._name(folder / "probe")
    try:
        os.link(f"/proc/self/fd/{fd}", probe)
    except OSError:
        return False
    else:
        _remove(probe)
        return True
    finally:
        os.close(fd)


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


def _same_file(name, fd):
    try:
        return os.stat(name, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _remove_leftovers(folder):
    """Remove the files of ours in `folder` that a killed process left behind: temporary
    files and lock files of calls whose lock no process holds."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(".")]
    except OSError:
        return  # a folder we may write but not list: nothing to find
    now, alive, locks = time.time(), {}, []
    for name in names:
        if name.endswith(TEMPORARY_SUFFIX):
            token = name[:-len(TEMPORARY_SUFFIX)].rsplit(".", 1)[-1].split("-")[0]
            if token not in alive:
                alive[token] = _writing(folder / f".{token}{LOCK_SUFFIX}")
            if alive[token] is False or alive[token] is None and _old(folder / name, now):
                _remove(folder / name)
        elif name.endswith(EARLIER_SUFFIX) and _old(folder / name, now):
            _remove(folder / name)
        elif name.endswith(LOCK_SUFFIX):
            locks.append(folder / name)
    for name in locks:  # once their temporary files are gone
        _remove_lock(name, now)


def _writing(lock):
    """Whether the call whose lock file is `lock` is still writing: None if that cannot be
    told (no locks here; then the temporary file's age decides)."""
    try:
        fd = os.open(lock, _PEEK)
    except FileNotFoundError:
        return False  # a call makes its lock file first and removes it last
    except OSError:
        return None
    try:
        return _held(fd)
    finally:
        os.close(fd)


def _remove_lock(name, now):
    """Remove the lock file `name` if no process holds it (or, where that cannot be told,
    once it is an hour old)."""
    try:
        fd = os.open(name, _PEEK)
    except OSError:
        return
    try:  # (holding it shared while removing it: its maker, if it just made it, makes another)
        held = _held(fd)
        if held is False or held is None and now - os.fstat(fd).st_mtime > STALE_AFTER:
            if _same_file(name, fd):
                os.unlink(name)
    except OSError:
        pass  # gone already, or not ours to remove
    finally:
        os.close(fd)


def _old(name, now):
    try:
        return now - os.stat(name, follow_symlinks=False).st_mtime > STALE_AFTER
    except OSError:
        return False


def _remove(name):
    try:
        os.remove(name)
    except OSError:
        pass  # gone already, or not ours to remove (another user's, in a shared folder)
