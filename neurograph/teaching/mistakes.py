"""The mistakes students make in forward propagation and backpropagation, named.

:func:`diagnose` explains a wrong answer by re-working the calculation with each known
mistake made — at the step that was asked about (the rest done right), or at every step, as
a student who always makes it — and naming the first mistake that gives the student's value.
"""

from ..numbers import round_half_up

__all__ = ["MISCONCEPTIONS", "Diagnoser", "diagnose"]

MISCONCEPTIONS = {
    "missing_g_prime": "Δ_j computed without the factor g′(in_j)",
    "g_prime_of_a": "g′ evaluated at a_j instead of at in_j (for the logistic: a(1 − a) of a_j)",
    "sign": "the sign turned: a − y for y − a, or w + α ∂J/∂w in the update",
    "factor_2": "squared and half-squared loss confused: the output Δ off by a factor of 2",
    "missing_bias": "the bias term w_0j·a_0 left out of in_j",
    "updated_weights": "a hidden Δ_j computed with the outgoing weights already updated",
    "missing_successor": "a hidden Δ_j summed over only some of its outgoing edges (the fan-out "
                         "mistake)",
    "carried_rounding": "right by hand: the rounded intermediate values were carried on "
                        "(counted right)",
}
"""Each mistake's code and what it is, in words."""


def _variants(code, key, plan, lr):
    """The ways to make mistake `code` that could change the value named `key`."""
    processing = [neuron.id for neuron, *_ in plan.forward]
    if code == "missing_successor":
        return [(code, j, k) for j in processing
                for k in sorted(n.id for _, n in _outgoing(plan, j))]
    if code == "factor_2":
        return [(code, where, factor) for factor in (2.0, 0.5) for where in (None, *processing)]
    if code == "updated_weights" and lr is None:
        return []
    if code == "sign" and key.startswith("w_"):
        i, j = (int(v) for v in key[2:].split(","))
        return [(code, (i, j), None), (code, None, None)] + [
            (code, k, None) for k in processing]
    return [(code, None, None)] + [(code, j, None) for j in processing]


def _outgoing(plan, j):
    for neuron, _, outgoing, *_ in plan.backward:
        if neuron.id == j:
            return outgoing
    return []


def diagnose(work_through, net, key, given, right, digits, lr, **kwargs):
    """The code of the first known mistake that explains `given` for the value `key`, or None.

    `work_through(net, mistake=…, **kwargs)` re-works the calculation with a mistake made
    (:func:`neurograph.teaching.explain.work_through`), exactly and carrying rounded values as
    by hand; a value matches when it rounds to the same `digits` decimal places as `given`,
    and not to the right one.
    """
    return Diagnoser(work_through, net, digits, lr, **kwargs)(key, given, right)


class Diagnoser:
    """:func:`diagnose` for many answers about one calculation (a class's answers to one
    exercise): each mistaken calculation is worked once, when first needed, and each value's
    table of the mistakes' results is built once.

    Calling it with ``(key, given, right)`` gives what :func:`diagnose` gives.
    """

    def __init__(self, work_through, net, digits, lr, **kwargs):
        self._work = lambda mistake, carried: work_through(
            net, mistake=mistake, lr=lr, digits=digits, carry_rounded=carried, **kwargs).values
        self._plan, self._digits, self._lr = net.plan(), digits, lr
        self._worked = {}  # (mistake, carried) → the values it gives
        self._tables = {}  # key → {a value, rounded: the first mistake that gives it}

    def __call__(self, key, given, right):
        target = round_half_up(given, self._digits)
        if target == round_half_up(right, self._digits):
            return None
        if key not in self._tables:
            self._tables[key] = self._table(key)
        return self._tables[key].get(target)

    def values(self, key):
        """{value, rounded: the code of the first mistake that gives it} for the value named
        `key` (the right value among them, if a mistake happens to give it)."""
        if key not in self._tables:
            self._tables[key] = self._table(key)
        return dict(self._tables[key])

    def _table(self, key):
        """{rounded value: code} over every way to make each mistake, in diagnose's order."""
        table = {}
        for code in MISCONCEPTIONS:
            if code == "carried_rounding":
                continue
            for mistake in _variants(code, key, self._plan, self._lr):
                for carried in (False, True):  # exactly, or carrying rounded values by hand
                    if (mistake, carried) not in self._worked:
                        self._worked[mistake, carried] = self._work(mistake, carried)
                    value = self._worked[mistake, carried].get(key)
                    if value is not None:
                        table.setdefault(round_half_up(value, self._digits), code)
        return table
