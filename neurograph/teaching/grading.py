"""Marking a class: every student's answers to one exercise, from a CSV, with the mistakes named.

The CSV has a header row — ``student``, then the names of the values asked for (``in_3``,
``delta_5``, ``w_0,3`` … as :func:`check_answers` reads them) — and one row per student. Each
cell is checked on its own: a right value, a wrong one (with the mistake that explains it,
when one does), an empty cell (unanswered), or a cell that is not a number (reported, not
fatal); a column whose name is no value of the exercise is reported once. Nothing stops the
rest of the class from being marked.
"""

import csv
import io
from dataclasses import dataclass

from ..errors import NetworkError
from ..files.atomic import writable, write_atomically
from .answers import canonical_name, check_answers

__all__ = ["grade", "Grades", "Mark"]


@dataclass(frozen=True)
class Mark:
    """One cell: the student, the value's name, what was written and what it is worth.

    ``status`` is "right", "wrong", "empty" or "unreadable"; ``diagnosis`` names the mistake
    behind a wrong value (a code of ``ng.MISCONCEPTIONS``) or says the rounding was carried.
    """

    student: str
    name: str
    written: str
    status: str
    expected: float = None
    diagnosis: str = None


@dataclass(frozen=True)
class Grades:
    """The class's marks: ``marks`` cell by cell, ``problems`` about the file itself."""

    marks: tuple
    students: tuple
    problems: tuple

    def totals(self):
        """{student: (right, out of)} over the exercise's questions that the CSV asks."""
        out = {}
        for student in self.students:
            mine = [m for m in self.marks if m.student == student]
            out[student] = (sum(m.status == "right" for m in mine), len(mine))
        return out

    def mistakes(self):
        """{diagnosis: how many cells it explains}, most frequent first."""
        counts = {}
        for m in self.marks:
            if m.status == "wrong" and m.diagnosis:
                counts[m.diagnosis] = counts.get(m.diagnosis, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def to_csv(self, path=None):
        """One row per cell: student, value, written, status, expected, diagnosis; then one
        row per student with the total. Returns the text, or writes it to `path`."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["student", "value", "written", "status", "expected", "diagnosis"])
        for m in self.marks:
            writer.writerow([m.student, m.name, m.written, m.status,
                             "" if m.expected is None else repr(m.expected), m.diagnosis or ""])
        for student, (right, total) in self.totals().items():
            writer.writerow([student, "total", f"{right}/{total}", "", "", ""])
        text = buffer.getvalue()
        if path is None:
            return text
        data = text.encode("utf-8")
        return write_atomically(writable(path, (".csv",), "the grades' file name"),
                                lambda handle: handle.write(data))

    def __str__(self):
        lines = [f"{student}: {right} of {total} right"
                 for student, (right, total) in self.totals().items()]
        lines += [f"{count} × {code}" for code, count in self.mistakes().items()]
        lines += [f"! {problem}" for problem in self.problems]
        return "\n".join(lines)


def grade(exercise, answers):
    """Mark every student's row of the CSV `answers` (a path, or the text) against `exercise`."""
    text = _text(answers)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0] or rows[0][0].strip().lower() != "student":
        raise NetworkError("the answers CSV must start with a header row: student, then the "
                           "names of the values (in_3, delta_5, w_0,3 …)")
    header = [cell.strip() for cell in rows[0]]
    problems, columns = [], []
    asked = set(exercise.questions)
    for column, name in enumerate(header[1:], start=1):
        try:
            key = canonical_name(name)
        except NetworkError:
            problems.append(f"column {column + 1}: {name[:30]!r} is not a value's name")
            continue
        if key not in asked:
            problems.append(f"column {column + 1}: {name[:30]!r} is not asked in this exercise")
            continue
        columns.append((column, name, key))
    marks, students = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            problems.append(f"row {number}: no student named")
            continue
        student = row[0].strip()
        students.append(student)
        given = {}
        for column, name, key in columns:
            cell = row[column].strip() if column < len(row) else ""
            if not cell:
                marks.append(Mark(student, key, "", "empty", exercise.answers.get(key)))
                continue
            try:
                given[key] = (float(cell.replace("−", "-")), cell)
            except ValueError:
                marks.append(Mark(student, key, cell[:30], "unreadable",
                                  exercise.answers.get(key)))
        if given:
            report = check_answers(exercise.network, exercise.x, exercise.y,
                                   {key: value for key, (value, _) in given.items()},
                                   lr=exercise.lr, loss=exercise.loss, digits=exercise.digits,
                                   carry_rounded=exercise.carry_rounded)
            for item in report.items:
                marks.append(Mark(student, item.name, given[item.name][1],
                                  "right" if item.correct else "wrong", item.expected,
                                  item.diagnosis))
    order = {key: k for k, key in enumerate(exercise.questions)}
    marks.sort(key=lambda m: (students.index(m.student), order.get(m.name, 0)))
    return Grades(tuple(marks), tuple(students), tuple(problems))


def _text(answers):
    if isinstance(answers, str) and "\n" in answers:
        return answers
    try:
        with open(answers, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise NetworkError(f"{answers}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NetworkError(f"{answers}: cannot be read as UTF-8 text ({error})") from None
