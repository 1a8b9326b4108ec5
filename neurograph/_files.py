"""Writing a file whole or not at all: into a temporary file beside it, then a rename."""

import os
import tempfile
from pathlib import Path

from .errors import NetworkError


def writable(path, suffixes, what):
    """`path` as a Path, if its folder exists and its suffix is one of `suffixes`."""
    path = Path(path)
    if not path.parent.is_dir():
        raise NetworkError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} "
                           f"does not exist")
    if path.suffix.lower() not in suffixes:
        raise NetworkError(f"{what} must end in {', '.join(suffixes)}; received {str(path)!r}")
    return path


def write_atomically(path, write):
    """Call ``write(temporary_path)``, then rename the result to `path`.

    A crash or an error leaves `path` as it was (and no temporary file behind).
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's file is private; ours is not
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
