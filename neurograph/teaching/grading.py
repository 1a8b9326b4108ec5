"""Marking a class: every student's answers to one exercise, from a CSV, with the mistakes named.

The CSV has a header row — ``student``, then the names of the values asked for (``in_3``,
``delta_5``, ``w_0,3`` … as :func:`check_answers` reads them) — and one row per student. Each
cell is checked on its own: a right value, a wrong one (with the mistake that explains it,
when one does), an empty cell (unanswered), or a cell that is not a number (reported, not
fatal; a number that is not finite, such as ``nan`` or ``inf``, is marked unreadable and also
listed in ``problems``); a column whose name is no value of the exercise, or names a value an
earlier column has, is reported once; a student named on several rows has each row marked
on its own, as ``NAME (row N)``, and the repeat reported. Nothing stops the rest of the class
from being marked, and the work grows in proportion to the number of cells.

The file is UTF-8 (a byte-order mark, as Excel's "CSV UTF-8" writes, is skipped), with any
line endings; a header that starts ``student;`` marks a semicolon-separated file, and a
number may have a decimal comma (``0,25``), as spreadsheets in many languages write them.
"""

import contextlib
import csv
import gc
import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import NetworkError, describe, excerpt
from ..files import reading
from ..files.atomic import writable, write_atomically
from ..markup import terminal_text
from ..checks import parse_real
from .answers import AnswerKey, canonical_name, parse_answer
from .exercises import Exercise

__all__ = ["grade", "Grades", "Mark"]

CREDITED = ("right", "follow_on")
"""The statuses a total counts."""
CACHED = 1 << 16
"""How many distinct cells a grading remembers the worth of."""
SHOWN_PROBLEMS = 20
"""How many problems ``str(grades)`` lists before it counts the rest."""
FORMULA_STARTS = frozenset("=+-@\t\r−＝＋－＠")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP's list, with
the true minus sign and the full-width forms)."""
_NUMBER = re.compile(r"[+\-−]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+\-]?\d+)?")


class Mark(NamedTuple):
    """One cell: the student, the value's name, what was written and what it is worth.

    ``status`` is "right", "wrong", "empty", "unreadable", or "follow_on" (wrong, but right
    from the student's own earlier values, and credited: ``grade(…, follow_through=True)``);
    ``diagnosis`` names the mistake behind a wrong value (a code of ``ng.MISCONCEPTIONS``) or
    says the rounding was carried; ``follows_from`` names the earlier wrong answers a
    follow-on value is worked from (such a value has no diagnosis of its own).
    (A named tuple: a class of a million students has millions of marks.)
    """

    student: str
    name: str
    written: str
    status: str
    expected: float = None
    diagnosis: str = None
    follows_from: tuple = ()


@dataclass(frozen=True)
class Grades:
    """The class's marks: ``marks`` cell by cell, ``problems`` about the file itself,
    ``questions`` the values marked (in the exercise's order), and whether follow-on values
    were credited."""

    marks: tuple
    students: tuple
    problems: tuple
    questions: tuple = ()
    follow_through: bool = False

    def totals(self):
        """{student: (right, out of)} over the exercise's questions that the CSV asks (a
        follow-on value counts as right when credited)."""
        right, total = dict.fromkeys(self.students, 0), dict.fromkeys(self.students, 0)
        for mark in self.marks:
            if mark.student in total:
                total[mark.student] += 1
                right[mark.student] += mark.status in CREDITED
        return {student: (right[student], count) for student, count in total.items()}

    def mistakes(self):
        """{diagnosis: how many students made it}, most frequent first (a student who made
        one mistake in several cells counts once)."""
        seen = {}
        for m in self.marks:
            if m.status == "wrong" and m.diagnosis:
                seen.setdefault(m.diagnosis, set()).add(m.student)
        return dict(sorted(((code, len(who)) for code, who in seen.items()),
                           key=lambda item: -item[1]))

    def _repr_html_(self):
        """The marks as an HTML table, for Jupyter."""
        from .reports import grades_html
        return grades_html(self)

    def to_csv(self, path=None, layout="long"):
        """The marks as CSV: returns the text, or writes it to `path` (whole or not at all).

        ``layout="long"``: one row per cell (student, value, written, status, expected,
        diagnosis, follows_from). ``layout="wide"``: one row per student, for a gradebook:
        the student, 1 or 0 for each question (1 for a follow-on value when credited), then
        right, out_of and the student's mistakes (codes joined by ``;``).

        A text cell that a spreadsheet would read as a formula (one starting with ``=``,
        ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading ``'``, so
        that it shows as the text it is; numbers stay numbers.
        """
        if layout not in ("long", "wide"):
            raise NetworkError(f"layout must be 'long' or 'wide'; received {describe(layout)}")
        writer = self._write_csv if layout == "long" else self._write_wide
        if path is None:
            buffer = io.StringIO()
            writer(buffer)
            return buffer.getvalue()
        path = writable(path, (".csv",), "the grades' file name")

        def write(handle):
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            writer(text)
            text.detach()  # (the handle stays open for write_atomically to finish)

        return write_atomically(path, write)

    def _write_csv(self, out):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "value", "written", "status", "expected", "diagnosis",
                         "follows_from"])
        shown = _Shown()
        writer.writerows((shown[m.student], shown[m.name], shown[m.written], shown[m.status],
                          shown[m.expected], shown[m.diagnosis], " ".join(m.follows_from))
                         for m in self.marks)

    def _write_wide(self, out):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", *self.questions, "right", "out_of", "mistakes"])
        shown = _Shown()
        rows = {student: {} for student in self.students}
        made = {student: [] for student in self.students}
        for m in self.marks:
            rows[m.student][m.name] = int(m.status in CREDITED)
            if m.status == "wrong" and m.diagnosis and m.diagnosis not in made[m.student]:
                made[m.student].append(m.diagnosis)
        for student, (right, total) in self.totals().items():
            writer.writerow([shown[student], *(rows[student].get(q, "") for q in self.questions),
                             right, total, ";".join(made[student])])

    def __str__(self):
        carried = {}
        for m in self.marks:
            if m.follows_from:
                carried[m.student] = carried.get(m.student, 0) + 1
        words = ("carried forward, credited" if self.follow_through else
                 "more right from their own earlier values")
        lines = [f"{terminal_text(student)}: {right} of {total} right"
                 + (f" ({carried[student]} {words})" if student in carried else "")
                 for student, (right, total) in self.totals().items()] or ["no students"]
        lines += [f"{code}: {count} student{'s' * (count != 1)}"
                  for code, count in self.mistakes().items()]
        lines += [f"! {terminal_text(problem, 200)}" for problem in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"! … and {len(self.problems) - SHOWN_PROBLEMS:,} more problems")
        return "\n".join(lines)


def grade(exercise, answers, follow_through=False):
    """Mark every student's row of the CSV `answers` against `exercise`.

    Each value is also re-worked from the student's own earlier values: a wrong value that is
    right from them ("error carried forward") names those answers in ``follows_from`` and is
    not diagnosed as a mistake of its own. The policy, with ``follow_through=True``: such a
    value earns full credit (status "follow_on"); the first wrong value, the mistake itself,
    earns none. Without it, follow-on values are marked wrong (and still named).

    Parameters
    ----------
    exercise : Exercise
        The exercise, with or without its answers (the key is worked from its network).
    answers : str or path-like
        The CSV file: a path (a :class:`pathlib.Path` is always one), or its text. A ``str``
        naming an existing file is that file; any other ``str`` with a line break in it (or
        an empty one) is the CSV itself; any other ``str`` is a file name that must exist.
    follow_through : bool, default False
        Credit values right from the student's own earlier (wrong) values.

    Returns
    -------
    Grades

    Raises
    ------
    NetworkError
        When the file cannot be read as CSV with a header row (``student``, then the values'
        names); nothing about a student's cells is fatal.
    """
    if not isinstance(exercise, Exercise):
        raise NetworkError(f"exercise must be an Exercise (ng.exercise or ng.load_exercise); "
                           f"received {describe(exercise)}")
    text, source = _text(answers)
    semicolons = re.match(r'\s*"?\s*student\s*"?\s*;', text[:200], re.IGNORECASE) is not None
    with _collector_paused():
        rows = _rows(text, source, ";" if semicolons else ",")
        if not rows or not rows[0] or rows[0][0].strip().lower() != "student":
            raise NetworkError(f"{source}: the answers CSV must start with a header row: "
                               f"student, then the names of the values (in_3, delta_5, w_0,3 "
                               f"…); received {describe(','.join(rows[0])[:60] if rows else '')}")
        key = AnswerKey(exercise.network, exercise.x, exercise.y, exercise.lr, exercise.loss,
                        exercise.digits, exercise.carry_rounded)
        follow_through = _flag(follow_through)
        return _marked(exercise, key, rows, follow_through)


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused (and resumed, if it ran): a class's marks are millions
    of small objects in no cycle, and the collector's passes over them, as they are made,
    would take most of the time."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _marked(exercise, key, rows, follow_through):
    """The Grades of `rows` (the header first) against the exercise's `key`."""
    columns, problems = _columns(rows[0], exercise)
    labels = _labels(rows, problems)
    width = len(rows[0])
    marks, students = [], []
    verdicts = {}  # (value, cell) → what the cell is worth: most cells repeat others
    follows = {}  # a row's numbers → {value: the earlier wrong answers it follows from}
    for number in range(2, len(rows) + 1):
        row, rows[number - 1] = rows[number - 1], None  # (each row forgotten once marked)
        student = labels.get(number)
        if student is None:
            problems.append(f"row {number}: no student named")
            continue
        students.append(student)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            problems.append(f"row {number}: {len(row)} cells and the header {width}; the "
                            f"cells past column {width} are not marked")
        start, given = len(marks), {}
        for column, name, value in columns:
            cell = row[column].strip() if column < len(row) else ""
            verdict = verdicts.get((value, cell))
            if verdict is None:
                verdict = _verdict(key, exercise.answers.get(value), value, cell)
                if len(verdicts) < CACHED:
                    verdicts[value, cell] = verdict
            if verdict[4]:
                problems.append(f"row {number}, column {column + 1} ({name[:30]!r}): "
                                f"{verdict[0]!r} is not a finite number")
            if verdict[1] in ("right", "wrong"):
                given[value] = _number(cell)
            marks.append(Mark(student, value, *verdict[:4]))
        if any(m.status == "wrong" for m in marks[start:]):
            _follow(marks, start, key, given, follows, follow_through)
    return Grades(tuple(marks), tuple(students), tuple(problems),
                  tuple(value for _, _, value in columns), follow_through)


def _follow(marks, start, key, given, follows, follow_through):
    """Mark the row's wrong values (``marks[start:]``) that follow from the student's own
    earlier wrong values: no diagnosis, their causes named, credited if `follow_through`."""
    numbers = tuple(sorted(given.items()))
    found = follows.get(numbers)
    if found is None:
        found = key.follow_through(given)
        if len(follows) < CACHED:
            follows[numbers] = found
    for at in range(start, len(marks)):
        mark = marks[at]
        causes = found.get(mark.name)
        if mark.status == "wrong" and causes is not None:
            marks[at] = Mark(mark.student, mark.name, mark.written,
                             "follow_on" if follow_through else "wrong", mark.expected, None,
                             causes)


def _verdict(key, answer, value, cell):
    """(written, status, expected, diagnosis, whether it is a number that is not finite) for
    the `cell` written as the value `value`; `answer` is the exercise's answer, if it has it."""
    if not cell:
        return "", "empty", answer, None, False
    given = _number(cell)
    if given is None or not math.isfinite(given):
        return excerpt(cell, 30), "unreadable", answer, None, given is not None
    check = key.check(value, given)
    return (excerpt(cell, 30), "right" if check.correct else "wrong", check.expected,
            check.diagnosis, False)


def _columns(header, exercise):
    """[(column, its name, the value it asks)] in the exercise's order of questions, and the
    problems with the header: names that are no value, not asked, or asked already."""
    problems, first = [], {}
    asked = set(exercise.questions)
    for column, cell in enumerate(header[1:], start=1):
        name = cell.strip()
        try:
            value = canonical_name(name)
        except NetworkError:
            problems.append(f"column {column + 1}: {name[:30]!r} is not a value's name")
            continue
        if value not in asked:
            problems.append(f"column {column + 1}: {name[:30]!r} is not asked in this exercise")
        elif value in first:
            earlier = first[value]
            problems.append(f"column {column + 1}: {name[:30]!r} asks for {value} again "
                            f"(column {earlier[0] + 1}, {earlier[1][:30]!r}); only column "
                            f"{earlier[0] + 1} is marked")
        else:
            first[value] = (column, name)
    order = {value: k for k, value in enumerate(exercise.questions)}
    columns = sorted(((column, name, value) for value, (column, name) in first.items()),
                     key=lambda item: order[item[2]])
    return columns, problems


def _labels(rows, problems):
    """{row number: the student's name as marked}: a name on several rows becomes
    ``NAME (row N)`` on each (names compared in Unicode's NFC form), the repeat reported."""
    names, rows_of = {}, {}
    for number, row in enumerate(rows[1:], start=2):
        name = row[0].strip() if row else ""
        if name:
            names[number] = name
            rows_of.setdefault(unicodedata.normalize("NFC", name), []).append(number)
    taken = set(names.values())
    for numbers in rows_of.values():
        if len(numbers) == 1:
            continue
        name = names[numbers[0]]
        rows = ", ".join(map(str, numbers[:5])) + (", …" if len(numbers) > 5 else "")
        problems.append(f"rows {rows}: the same student, "
                        f"{excerpt(name, 30)!r}; each row is marked on its own, as "
                        f"'NAME (row N)'")
        for number in numbers:
            label = f"{names[number]} (row {number})"
            while label in taken:
                label += "'"
            taken.add(label)
            names[number] = label
    return names


def _number(cell):
    """The number written in `cell` (− for -, a decimal comma for the point: 0,25), or None
    if it is not one (a number that is not finite is returned, for the caller to refuse)."""
    try:
        return parse_answer(cell)
    except NetworkError:
        try:
            return float(parse_real(cell.replace("−", "-").replace(",", ".", 1)))
        except NetworkError:
            return None


def _flag(value):
    if not isinstance(value, bool):
        raise NetworkError(f"follow_through must be True or False; received {describe(value)}")
    return value


class _Shown(dict):
    """Each distinct cell as the marks file writes it, worked out once (the first CACHED):
    None as nothing, a float as its repr, text as :func:`_as_text` writes it."""

    def __missing__(self, cell):
        if cell is None:
            return ""
        out = repr(cell) if isinstance(cell, float) else _as_text(str(cell))
        if len(self) < CACHED:
            self[cell] = out
        return out


def _as_text(cell):
    """A cell a spreadsheet shows as the text it is: "'" before a would-be formula."""
    if cell[:1] in FORMULA_STARTS and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _rows(text, source, delimiter):
    """Every row of the CSV `text` (any line endings), or a NetworkError naming the line."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:  # a cell over the csv module's limit, a stray quote …
        raise NetworkError(f"{source}: line {reader.line_num}: not a CSV row ({error})") \
            from None


def _text(answers):
    """The CSV's text and how to name it in a message: `answers` read as a file (a path) or
    taken as the text itself (a str with a line break that names no file, or "")."""
    if isinstance(answers, str):
        if not answers or ("\n" in answers or "\r" in answers) and not os.path.isfile(answers):
            return answers.removeprefix("\ufeff"), "the answers CSV"
    elif not isinstance(answers, os.PathLike):
        raise NetworkError(f"answers must be the path of a CSV file, or its text; received "
                           f"{describe(answers)}")
    return _read(answers), terminal_text(os.fsdecode(answers), 80)


def _read(path):
    """A text file's contents (UTF-8, its byte-order mark skipped), or a NetworkError."""
    where = terminal_text(os.fsdecode(path), 80)
    data = reading.read_bytes(path, "a class's answers (CSV)")  # (at most READ_LIMIT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NetworkError(f"{where}: is UTF-16 text; expected UTF-8 (a spreadsheet's "
                           f"'CSV UTF-8')")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetworkError(f"{where}: byte {error.start} is not UTF-8; expected UTF-8 text (a "
                           f"spreadsheet's 'CSV UTF-8')") from None
