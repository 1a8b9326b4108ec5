"""Reading an exercise file: :func:`load_exercise`, every field checked.

An exercise is a file that students and colleagues pass around: it is read as JSON with
exactly the fields :meth:`~.exercises.Exercise.to_document` writes, and each is checked as
:class:`~.exercises.Exercise` checks it, whether the file was written by neurograph or not.
"""

import json
import os

from ..errors import NetworkError, describe
from ..files import reading
from ..markup import terminal_text
from ..model.network import Network
from .exercises import FIELDS, FORMAT, KINDS, MAX_FILE, VERSION, Exercise

__all__ = ["load_exercise"]


def load_exercise(path):
    """Read an exercise that :meth:`Exercise.save` wrote, every field checked.

    Raises
    ------
    NetworkError
        Naming the file and the field that is not what an exercise holds: the file is JSON
        with exactly the fields :meth:`Exercise.to_document` writes (a UTF-8 byte-order
        mark is skipped), each checked as :class:`Exercise` checks it.
    """
    source = terminal_text(os.fsdecode(path) if isinstance(path, (str, os.PathLike))
                           else path, 80)
    doc = _parse(_read(path, source), source)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise NetworkError(f"{source}: format: expected {FORMAT!r}; received "
                           f"{describe(doc.get('format') if isinstance(doc, dict) else doc)}")
    unknown = [key for key in doc if key not in FIELDS]
    if unknown:
        raise NetworkError(f"{source}: {describe(unknown[0])} is not a field of an exercise; "
                           f"expected only {', '.join(FIELDS)}")
    version = doc.get("version", VERSION)
    if type(version) is not int or version != VERSION:
        raise NetworkError(f"{source}: version: expected {VERSION}; received "
                           f"{describe(version)}")
    if doc.get("kind") not in KINDS:  # (first: a useful message for a file of another kind)
        raise NetworkError(f"{source}: kind: expected one of {', '.join(KINDS)}; received "
                           f"{describe(doc.get('kind'))}")
    network = Network.from_document(doc.get("network"), f"{source}: network")
    try:
        return Exercise(network, doc.get("x"), doc.get("y"), doc.get("lr"), doc["kind"],
                        doc.get("loss", "squared"), doc.get("digits", 2),
                        doc.get("significant"), doc.get("carry_rounded", True),
                        doc.get("questions"), doc.get("answers", {}), doc.get("seed", 0),
                        doc.get("title"), doc.get("course"))
    except NetworkError as error:
        raise NetworkError(f"{source}: {error}") from None


def _read(path, source):
    """An exercise file's text (UTF-8, its byte-order mark skipped), or a NetworkError."""
    if not isinstance(path, (str, os.PathLike)):
        raise NetworkError(f"an exercise file must be given by its path; received "
                           f"{describe(path)}")
    data = reading.read_bytes(path, "an exercise file (JSON)")
    if len(data) > MAX_FILE:
        raise NetworkError(f"{source}: more than {MAX_FILE:,} bytes; expected an exercise")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetworkError(f"{source}: byte {error.start} is not UTF-8; expected an exercise "
                           f"file (JSON)") from None
    if not text.strip():
        raise NetworkError(f"{source}: the file is empty; expected an exercise (JSON)")
    return text


def _parse(text, source):
    """The JSON `text` as data: NaN, Infinity, nesting past Python's limit and integers of
    more than 4,300 digits refused in one line."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise NetworkError(f"{source}: not valid JSON at line {error.lineno}, column "
                           f"{error.colno}: {error.msg}") from None
    except RecursionError:
        raise NetworkError(f"{source}: nested too deeply to be an exercise file") from None
    except ValueError as error:  # NaN, Infinity, an integer of thousands of digits
        raise NetworkError(f"{source}: {str(error).split(';')[0]}; expected an exercise's "
                           f"numbers") from None


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number an exercise can hold")
