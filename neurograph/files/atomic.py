"""Writing a file whole or not at all: into a temporary file beside it, then a rename."""

import os
import stat
import tempfile
from pathlib import Path

from ..errors import NetworkError

__all__ = ["writable", "write_atomically"]


def writable(path, suffixes, what):
    """`path` as a Path, if its folder exists and its suffix is one of `suffixes`."""
    path = Path(path)
    if not path.parent.is_dir():
        raise NetworkError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} "
                           f"does not exist")
    if path.suffix.lower() not in suffixes:
        raise NetworkError(f"{what} must end in {', '.join(suffixes)}; received {str(path)!r}")
    if path.is_dir():
        raise NetworkError(f"cannot write {str(path)!r}: it is a folder")
    return path


def write_atomically(path, write):
    """Call ``write(temporary_path)``, then rename the result to `path`.

    A crash or an error leaves `path` as it was. A file that is replaced keeps its
    permissions; a new one gets the usual ones (0666 less the umask).
    """
    path = Path(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, mode)  # mkstemp's file is private; ours is not
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
