r"""How a processing neuron combines its incoming terms w_ij a_i into in_j.

- ``"sum"`` (the lectures' neuron, the default): in_j = Σ_i w_ij a_i;
- ``"max"`` (the maxout of “Multi-level networks”): in_j = max_i w_ij a_i — only the arg-max
  term counts, so Δ_j reaches only the arg-max edge; a tie goes to the lowest i;
- ``"product"``: in_j = Π_i w_ij a_i, so ∂in_j/∂(w_ij a_i) = Π_{m≠i} w_mj a_m.

The bias edge (0, j), when the neuron has one, is one of the terms (a_0 = 1). With no
incoming edge at all, in_j is 0 for "sum" and "max" and 1 (the empty product) for
"product". The chain rule through any of them: Δ_j a_i becomes Δ_j a_i c_ij with the
*slope* c_ij = ∂in_j/∂(w_ij a_i), which is 1 for every term of a sum.

An :class:`Aggregation` carries every fact about itself: its name (equal to that string, so
``neuron.aggregation == "max"`` still reads), its symbol, whether it is the plain sum, and
the functions the engines call: on a list of floats (the reference engine), on an n × d
array, one row per example (the batch engine), and on the columns of an array of any
namespace with ``where`` (numpy, torch); all give the same numbers.

>>> from neurograph.model.aggregations import get_aggregation
>>> maximum = get_aggregation("max")
>>> maximum.combine([0.5, 2.0, 2.0]), maximum.slopes([0.5, 2.0, 2.0])
(2.0, [0.0, 1.0, 0.0])
>>> product = get_aggregation("product")
>>> product.combine([2.0, 3.0, 0.5]), product.slopes([2.0, 3.0, 0.5])
(3.0, [1.5, 1.0, 6.0])
>>> maximum == "max", str(product), product.symbol, get_aggregation("sum").is_sum
(True, 'product', 'Π', True)
"""

import numpy as np

from ..errors import NetworkError, describe

__all__ = ["Aggregation", "AGGREGATIONS", "get_aggregation"]


class Aggregation:
    """How in_j combines the terms w_ij a_i, with the slopes c_ij it gives them.

    Parameters
    ----------
    name : str
        The name files and ``set_aggregation`` use; the aggregation equals this string.
    symbol : str
        How explanations and pictures write it: Σ, max or Π.
    combine, slopes : callable
        On one example's terms (a list of floats, ascending i): in_j, and the list of
        c_ij = ∂in_j/∂(w_ij a_i).
    combine_rows, slopes_rows : callable
        The same for every row of an n × d array (n examples, d ≥ 1 terms).
    pick : callable
        ``pick(candidate, best)``: a boolean array, where the running combination takes
        the candidate term instead (max), or None to multiply (product) or add (sum):
        see :meth:`combine_columns`.
    empty : float
        in_j with no term at all (0, or 1 for the empty product).
    is_sum : bool, default False
        The lectures' Σ: every slope is 1, and the engines take their fast summing paths.
    written : str, default ""
        How ``explain`` writes in_j: "sum" (w·a + …), "applied" (max(w·a, …)) or
        "factors" ((w·a)·(w·a)·…).
    remark : str, default ""
        What ``explain`` adds after in_j's step, e.g. "(product neuron)".
    """

    __slots__ = ("name", "symbol", "_combine", "_slopes", "_combine_rows", "_slopes_rows",
                 "_pick", "empty", "is_sum", "written", "remark")

    def __init__(self, name, symbol, combine, slopes, combine_rows, slopes_rows, pick=None,
                 empty=0.0, is_sum=False, written="", remark=""):
        self.name, self.symbol = name, symbol
        self._combine, self._slopes = combine, slopes
        self._combine_rows, self._slopes_rows, self._pick = combine_rows, slopes_rows, pick
        self.empty, self.is_sum, self.written, self.remark = empty, is_sum, written, remark

    def __eq__(self, other):
        if isinstance(other, Aggregation):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"Aggregation({self.name!r})"

    def __reduce__(self):  # a copy (or another process) gets the table's object back
        return get_aggregation, (self.name,)

    def combine(self, terms):
        """in_j from the terms w_ij a_i (ascending i) of one example."""
        return self._combine(terms)

    def slopes(self, terms):
        """c_ij = ∂in_j/∂(w_ij a_i) for each term of one example."""
        return self._slopes(terms)

    def combine_rows(self, T):
        """in_j for every row of T (n × d), as :meth:`combine` computes it row by row."""
        if T.shape[1] == 0:
            return np.full(T.shape[0], self.empty)
        return self._combine_rows(T)

    def slopes_rows(self, T):
        """c_ij for every row of T (n × d), as :meth:`slopes` computes them row by row."""
        return self._slopes_rows(T)

    def combine_columns(self, T, xp=np):
        """in_j as an n × 1 column from the d ≥ 1 columns of T, left to right, in the array
        namespace `xp` (numpy or torch): only slicing, ``*``, ``+`` and ``xp.where``, so
        that autograd gives the slopes of :meth:`slopes` (max: the first maximum's term)."""
        out = T[:, :1]
        for k in range(1, T.shape[1]):
            term = T[:, k:k + 1]
            if self._pick is not None:
                out = xp.where(self._pick(term, out), term, out)
            elif self.is_sum:
                out = out + term
            else:
                out = out * term
        return out


def _add(terms):
    return sum(terms, 0.0)


def _ones(terms):
    return [1.0] * len(terms)


def _sum_rows(T):
    return T.sum(axis=1)


def _ones_rows(T):
    return np.ones(T.shape)


def _maximum(terms):
    return max(terms) if terms else 0.0


def _maximum_slopes(terms):
    if not terms:
        return []
    top = terms.index(max(terms))  # the first, i.e. lowest i, among equal maxima
    return [1.0 if k == top else 0.0 for k in range(len(terms))]


def _maximum_rows(T):
    return T.max(axis=1)


def _maximum_slopes_rows(T):
    n, d = T.shape
    C = np.zeros((n, d))
    if d:
        C[np.arange(n), np.argmax(T, axis=1)] = 1.0  # argmax: the first maximum
    return C


def _greater(candidate, best):
    return candidate > best  # strictly: a tie keeps the earlier term, the lowest i


def _product(terms):
    product = 1.0
    for t in terms:
        product *= t
    return product


def _product_slopes(terms):
    # Π_{m≠i} t_m as (product of the terms before) × (product of the terms after): no division,
    # so a zero term is no trouble
    before, running = [], 1.0
    for t in terms:
        before.append(running)
        running *= t
    out, running = [0.0] * len(terms), 1.0
    for k in range(len(terms) - 1, -1, -1):
        out[k] = before[k] * running
        running *= terms[k]
    return out


def _product_rows(T):
    out = T[:, 0].copy()
    for k in range(1, T.shape[1]):  # left to right, as the reference engine multiplies
        out *= T[:, k]
    return out


def _product_slopes_rows(T):
    # (product of the terms before) × (product of the terms after), column by column in the
    # order _product_slopes multiplies
    n, d = T.shape
    C = np.empty((n, d))
    if d:
        C[:, 0] = 1.0
    for k in range(1, d):
        np.multiply(C[:, k - 1], T[:, k - 1], out=C[:, k])
    if d > 1:
        running = T[:, d - 1].copy()
        for k in range(d - 2, -1, -1):
            C[:, k] *= running
            if k:
                running *= T[:, k]
    return C


AGGREGATIONS = {
    aggregation.name: aggregation
    for aggregation in (
        Aggregation("sum", "Σ", _add, _ones, _sum_rows, _ones_rows, is_sum=True,
                    written="sum"),
        Aggregation("max", "max", _maximum, _maximum_slopes, _maximum_rows,
                    _maximum_slopes_rows, pick=_greater, written="applied",
                    remark="(max neuron: only the largest term counts)"),
        Aggregation("product", "Π", _product, _product_slopes, _product_rows,
                    _product_slopes_rows, empty=1.0, written="factors",
                    remark="(product neuron)"),
    )
}
"""The aggregations, by name."""


def get_aggregation(name, j=None):
    """The :class:`Aggregation` `name` names (one of :data:`AGGREGATIONS`), or `name` itself
    if it is one."""
    if isinstance(name, Aggregation):
        return name
    if isinstance(name, str) and name in AGGREGATIONS:
        return AGGREGATIONS[name]
    which = "" if j is None else f" for neuron {j}"
    raise NetworkError(f"unknown aggregation {describe(name)}{which}; expected one of: "
                       f"{', '.join(map(repr, AGGREGATIONS))}")
