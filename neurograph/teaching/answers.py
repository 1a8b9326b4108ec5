"""Checking a student's answers, by name, against the hand-worked steps of ``explain``."""

import math
import re
from dataclasses import dataclass

from .. import checks
from ..errors import NetworkError, describe
from ..numbers import format_number, round_half_up
from .explain import explain, work_through


def explain_values(net, given, carry_rounded, **kwargs):
    """Every value of the calculation worked with the student's `given` values carried on."""
    return work_through(net, given=given, carry_rounded=carry_rounded, **kwargs).values
from .mistakes import MISCONCEPTIONS, Diagnoser

__all__ = ["check_answers", "canonical_name", "parse_answer", "AnswerKey", "AnswerReport",
           "AnswerCheck", "NAME_FORMS"]


@dataclass(frozen=True)
class AnswerCheck:
    """One answer: the name, the value given, the right value, the step it comes from, and
    for a wrong one the mistake that explains it (a code of ``ng.MISCONCEPTIONS``, or None);
    "carried_rounding" marks an answer counted right that carried rounded values.

    ``follows_from`` names the student's earlier wrong answers from which this (wrong)
    value is worked right ("error carried forward"): such a value is not diagnosed as a
    mistake of its own, and ``ng.grade(…, follow_through=True)`` gives it the credit.
    """

    name: str
    given: float
    expected: float
    correct: bool
    step: str
    note: str = ""
    diagnosis: str = None
    follows_from: tuple = ()


@dataclass(frozen=True)
class AnswerReport:
    """Every answer checked; true when all are right."""

    checks: tuple
    digits: int

    @property
    def items(self):
        """The answers checked (the same as ``checks``)."""
        return self.checks

    @property
    def correct(self):
        return all(check.correct for check in self.checks)

    def __bool__(self):
        return self.correct

    def __str__(self):
        lines = []
        for c in self.checks:
            given = format_number(c.given, self.digits)
            if c.correct:
                lines.append(f"✓ {c.name} = {given}" + (f" ({c.note})" if c.note else ""))
            elif c.follows_from:
                lines.append(f"↳ {c.name} = {given}: right from your "
                             f"{', '.join(c.follows_from)} (it is "
                             f"{format_number(c.expected, self.digits)} from the right values)")
            else:
                lines.append(f"✗ {c.name} = {given}: it is {format_number(c.expected, self.digits)}"
                             f", from {c.step}" + (f" ({c.note})" if c.note else ""))
                if c.diagnosis:
                    lines.append(f"  probably: {MISCONCEPTIONS[c.diagnosis]}")
        right = sum(c.correct for c in self.checks)
        carried = sum(bool(c.follows_from) for c in self.checks)
        return "\n".join(lines + [f"{right} of {len(self.checks)} right" + (
            f", {carried} more right from an earlier wrong value" if carried else "")])

    def _repr_html_(self):
        """The report as an HTML table, for Jupyter."""
        from .reports import report_html
        return report_html(self)


NAME_FORMS = [
    (r"in_?(\d+)", "in_{0}"), (r"a_?(\d+)", "a_{0}"), (r"(?:Δ|delta|Delta)_?(\d+)", "Δ_{0}"),
    (r"(?:dJ/dw|∂J/∂w)_?(\d+),(\d+)", "dJ/dw_{0},{1}"), (r"w_?(\d+),(\d+)", "w_{0},{1}"),
    (r"g['′]\(in_?(\d+)\)", "g′(in_{0})"), (r"(?:ℓ|loss)", "ℓ"),
]


def canonical_name(name):
    """The explanation's name for a student's name of a value ("delta_3" → "Δ_3")."""
    text = str(name).replace(" ", "").replace("{", "").replace("}", "")
    for pattern, form in NAME_FORMS:
        match = re.fullmatch(pattern, text)
        if match:
            return form.format(*match.groups())
    raise NetworkError(f"unknown answer name {describe(name)}; expected one of the forms in_3, "
                       f"a_3, Δ_3 (or delta_3), g′(in_3), dJ/dw_1,3, w_1,3 (after an update "
                       f"with lr), loss")


def check_answers(net, x, y=None, answers=None, lr=None, loss="squared", digits=4,
                  carry_rounded=False, weight_decay=0.0):
    """Check a student's values, by name, against the hand-worked steps.

    Parameters
    ----------
    net : Network
    x, y : sequence of float
        The example (y is needed for Δ, ∂J/∂w and updates).
    answers : mapping
        ``{name: value}``, names such as ``"in_3"``, ``"a_5"``, ``"Δ_3"`` or
        ``"delta_3"``, ``"g′(in_3)"``, ``"dJ/dw_1,3"``, ``"w_1,3"`` (the weight
        after the update; needs `lr`), ``"loss"``.
    lr, loss, weight_decay
        As for :meth:`Network.explain`.
    digits : int, default 4
        An answer is right if it rounds to the same `digits` decimal places.
    carry_rounded : bool, default False
        Whether the right values are exact or those of a hand calculation that
        carries rounded intermediates.

    Returns
    -------
    AnswerReport
        True when every answer is right; ``str()`` lists each with, when wrong,
        the right value and the step it comes from.

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
    >>> report = ng.check_answers(net, [0.4, 0.5], [1], {"in_3": 0.19, "a_3": 0.5474,
    ...                           "w_0,3": 0.2122}, lr=0.5)
    >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
    ✓ in_3 = 0.19
    ✓ a_3 = 0.5474
    ✓ w_0,3 = 0.2122 (right when the rounded values are carried, as by hand)
    3 of 3 right
    """
    if not hasattr(answers, "items"):
        raise NetworkError(f"answers must be a mapping {{name: value}}; "
                           f"received {describe(answers)}")
    names = {name: canonical_name(name) for name in answers}
    needs_y = [n for n in names.values() if not n.startswith(("in_", "a_"))]
    if needs_y and y is None:
        raise NetworkError(f"{needs_y[0]} needs the target: pass y")
    if any(n.startswith("w_") for n in names.values()) and lr is None:
        raise NetworkError("w_i,j is checked after an update: pass lr")
    key = AnswerKey(net, x, y, lr, loss, digits, carry_rounded, weight_decay)
    for name in names.values():
        if name not in key:
            raise NetworkError(f"this network has no {name}")
    given = {names[name]: parse_answer(value, f"the answer for {name}")
             for name, value in answers.items()}
    carried = key.follow_through(given)
    results = [key.check(names[name], given[names[name]], str(name),
                         carried.get(names[name], ())) for name in answers]
    return AnswerReport(tuple(results), digits)


def half_unit(value, digits):
    """Half a unit of the last place :func:`~neurograph.numbers.round_half_up` keeps of
    `value` at `digits` decimal places (more places for a value below 10^−digits)."""
    value = abs(float(value))
    if value != 0 and value < 10.0 ** -digits:
        places = digits - 1 - math.floor(math.log10(value))
    else:
        places = digits
    return 0.5 * 10.0 ** -places


def parse_answer(value, what="an answer"):
    """A student's value as a float: a number, or text with a true minus sign or a decimal
    comma ("−0,25"); a NetworkError for anything else, or a value that is not finite."""
    if isinstance(value, str):
        text = value.strip().replace("−", "-")
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")
        try:
            value = float(checks.parse_real(text, what))
        except NetworkError:
            raise NetworkError(f"{what} must be a real number (a decimal point or comma); received "
                               f"{describe(value)}") from None
    return checks.weight(value, what)


class AnswerKey:
    """The right values of one calculation, worked once, against which answers are checked
    one at a time (what :func:`check_answers` and ``ng.grade`` share: a class's answers to one
    exercise are checked against one key).

    Parameters are those of :func:`check_answers`; ``name in key`` says whether the
    calculation has a value of that (canonical) name.
    """

    def __init__(self, net, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                 weight_decay=0.0):
        kwargs = dict(loss=loss, digits=digits, weight_decay=weight_decay)
        self._net, self._kwargs = net, dict(x=x, y=y, lr=lr, **kwargs)
        self._exact = explain(net, x, y, lr, carry_rounded=False, **kwargs).values
        by_hand = explain(net, x, y, lr, carry_rounded=True, **kwargs)
        self._shown = {step.name: step for step in by_hand.steps}  # every number as used
        self._digits, self._carry_rounded = by_hand.digits, bool(carry_rounded)
        self._diagnose = Diagnoser(work_through, net, self._digits, lr, x=x, y=y, loss=loss,
                                   weight_decay=weight_decay)
        self._verdicts = {}  # (key, the answer rounded) → (correct, note, diagnosis)
        self._steps = {}  # key → its step's line, as text

    def __contains__(self, name):
        return name in self._shown

    def expected(self, name):
        """The right value of `name` (the hand calculation's when `carry_rounded`)."""
        return self._values(name)[0]

    def check(self, name, given, written=None, follows_from=()):
        """`given` (a finite float) as the answer for the value `name` (canonical, in the
        key): an :class:`AnswerCheck` named `written` (default `name`); `follows_from` (from
        :meth:`follow_through`) marks a wrong value right from the student's own earlier ones,
        which is then not diagnosed."""
        rounded = round_half_up(given, self._digits)
        verdict = self._verdicts.get((name, rounded))
        if verdict is None:
            verdict = self._verdicts[name, rounded] = self._verdict(name, given, rounded)
        correct, note, diagnosis = verdict
        follows_from = () if correct else tuple(follows_from)
        if follows_from:
            diagnosis = None
        if name not in self._steps:
            self._steps[name] = self._shown[name].text(self._digits)
        return AnswerCheck(name if written is None else written, given, self.expected(name),
                           correct, self._steps[name], note, diagnosis, follows_from)

    def readings(self, name):
        """(the right value of `name` as the key counts it, the other reading): exact and
        carried by hand, in the order `carry_rounded` puts them."""
        return self._values(name)

    def mistaken_values(self, name):
        """{value: code}: what each known mistake gives for `name`, rounded as the key rounds,
        leaving out the right value (exact, or carried by hand)."""
        right = {round_half_up(v, self._digits) for v in self._values(name)}
        return {value: code for value, code in self._diagnose.values(name).items()
                if value not in right}

    def tolerance(self, name):
        """Half a unit of the last decimal place the key shows for `name`: how far from it a
        value still rounds to it."""
        return half_unit(self.expected(name), self._digits)

    def follow_through(self, given):
        """{name: the earlier wrong answers it follows from} for each wrong value of `given`
        ({canonical name: float}, one student's answers) that is right when worked from the
        student's own earlier values (exactly, or carrying rounded values as by hand).

        A value follows from an earlier wrong answer when putting the right value in that
        answer's place changes what the value is worked to (its direct causes: a_4 wrong
        because in_4 was, then in_5 follows from a_4); the first wrong value (the mistake
        itself) follows from nothing.
        """
        wrong = {name: value for name, value in given.items()
                 if name in self and not self._verdict_of(name, value)}
        if not wrong:
            return {}
        order = {name: k for k, name in enumerate(self._shown)}
        worked = self._rework(given)
        found = {}
        for name, value in wrong.items():
            target = round_half_up(value, self._digits)
            if not any(round_half_up(values[name], self._digits) == target
                       for values in worked):
                continue
            earlier = [e for e in wrong if order[e] < order[name]]
            causes = tuple(e for e in earlier if self._changes(given, e, name, worked))
            if causes:
                found[name] = causes
        return found

    def _verdict_of(self, name, value):
        """Whether `value` is right for `name` (as :meth:`check` decides)."""
        return self.check(name, value).correct

    def _rework(self, given):
        """The values worked from the student's `given` ones: exactly, and carried rounded."""
        return [explain_values(self._net, given=given, carry_rounded=carried, **self._kwargs)
                for carried in (False, True)]

    def _changes(self, given, earlier, name, worked):
        """Whether the student's `earlier` value changes what `name` is worked to."""
        again = self._rework({**given, earlier: self.expected(earlier)})
        return any(round_half_up(a[name], self._digits) != round_half_up(b[name], self._digits)
                   for a, b in zip(worked, again))

    def _values(self, name):
        """(primary, other): the right value as the key counts it, and the other reading."""
        carried, exact = self._shown[name].value, self._exact[name]
        return (carried, exact) if self._carry_rounded else (exact, carried)

    def _verdict(self, name, given, rounded):
        digits = self._digits
        primary, other = (round_half_up(v, digits) for v in self._values(name))
        correct = rounded in (primary, other)
        note = ""
        if primary != other:
            if correct and rounded != primary:
                note = ("right with exact intermediates" if self._carry_rounded else
                        "right when the rounded values are carried, as by hand")
            elif not correct:
                note = (f"exactly {format_number(self._exact[name], digits)}; carrying the "
                        f"rounded values shown, {format_number(self._shown[name].value, digits)}")
        diagnosis = None
        if correct and note:
            diagnosis = "carried_rounding" if not self._carry_rounded else None
        elif not correct:
            diagnosis = self._diagnose(name, given, self._values(name)[0])
        return correct, note, diagnosis
