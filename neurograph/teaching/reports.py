"""How a student's report and a class's marks look inside Jupyter: small HTML tables.

Every name and written value is escaped; nothing is fetched and no script runs.
"""

from ..markup import html_text
from ..numbers import format_number
from .mistakes import MISCONCEPTIONS

__all__ = ["report_html", "grades_html"]

SHOWN_STUDENTS = 200
"""How many students' rows the class's table shows before it counts the rest."""
STYLE = ("border-collapse:collapse", "padding:2px 8px;border-bottom:1px solid #ccc")
MARKS = {"right": ("✓", "#1a7f37"), "wrong": ("✗", "#b42318"),
         "follow_on": ("↳", "#9a6700"), "empty": ("–", "#57606a"),
         "unreadable": ("?", "#57606a")}


def report_html(report):
    """An :class:`~.answers.AnswerReport` as an HTML table: each answer, ✓ or ✗, the right
    value and what went wrong.

    >>> import neurograph as ng
    >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0})
    >>> html = ng.check_answers(net, [1], [1], {"in_2": 1.5, "a_2": 0.5})._repr_html_()
    >>> html.count("<tr>"), "✗" in html
    (3, True)
    """
    rows = []
    for c in report.checks:
        status = "right" if c.correct else "follow_on" if c.follows_from else "wrong"
        if c.correct:
            why = c.note
        elif c.follows_from:
            why = f"right from your {', '.join(c.follows_from)}"
        else:
            why = MISCONCEPTIONS.get(c.diagnosis, "") if c.diagnosis else c.note
        rows.append(_row([_mark(status), html_text(c.name),
                          format_number(c.given, report.digits),
                          format_number(c.expected, report.digits), html_text(why)]))
    right = sum(c.correct for c in report.checks)
    return _table(["", "value", "given", "right value", "why"], rows,
                  f"{right} of {len(report.checks)} right")


def grades_html(grades):
    """:class:`~.grading.Grades` as an HTML table: one row per student, the totals, each
    student's mistakes, and the class's mistakes counted by student."""
    made = {student: [] for student in grades.students}
    for m in grades.marks:
        if m.status == "wrong" and m.diagnosis and m.diagnosis not in made[m.student]:
            made[m.student].append(m.diagnosis)
    rows = [_row([html_text(student), f"{right} / {total}",
                  html_text(", ".join(made[student]))])
            for student, (right, total) in list(grades.totals().items())[:SHOWN_STUDENTS]]
    if len(grades.students) > SHOWN_STUDENTS:
        rows.append(_row([f"… and {len(grades.students) - SHOWN_STUDENTS:,} more", "", ""]))
    counts = "; ".join(f"{code}: {n} student{'s' * (n != 1)}"
                       for code, n in grades.mistakes().items())
    caption = (f"{len(grades.students)} students" + (", follow-on values credited"
                                                     if grades.follow_through else "")
               + (f" — {counts}" if counts else ""))
    return _table(["student", "right", "mistakes"], rows, caption)


def _mark(status):
    sign, colour = MARKS[status]
    return f'<span style="color:{colour};font-weight:bold">{sign}</span>'


def _row(cells):
    return "<tr>" + "".join(f'<td style="{STYLE[1]}">{cell}</td>' for cell in cells) + "</tr>"


def _table(header, rows, caption):
    head = "<tr>" + "".join(f'<th style="{STYLE[1]};text-align:left">{h}</th>'
                            for h in header) + "</tr>"
    return (f'<table style="{STYLE[0]}"><caption style="text-align:left">'
            f"{html_text(caption)}</caption>{head}{''.join(rows)}</table>")
