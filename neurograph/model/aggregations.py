r"""How a processing neuron combines its incoming terms w_ij a_i into in_j.

- ``"sum"`` (the lectures' neuron, the default): in_j = Σ_i w_ij a_i;
- ``"max"`` (seed 003's maxout): in_j = max_i w_ij a_i — only the arg-max term counts,
  so Δ_j reaches only the arg-max edge; a tie goes to the lowest i;
- ``"product"``: in_j = Π_i w_ij a_i, so ∂in_j/∂(w_ij a_i) = Π_{m≠i} w_mj a_m.

The bias edge (0, j), when the neuron has one, is one of the terms (a_0 = 1). With no
incoming edge at all, in_j is 0 for "sum" and "max" and 1 (the empty product) for
"product". The chain rule through any of them: Δ_j a_i becomes Δ_j a_i c_ij with the
*slope* c_ij = ∂in_j/∂(w_ij a_i), which is 1 for every term of a sum.

An :class:`Aggregation` is its name (a ``str``: ``neuron.aggregation == "max"``) with the
functions the engines call: on a list of floats (the reference engine) or on an n × d
array, one row per example (the batch engine); both give the same numbers.

>>> from neurograph.model.aggregations import get_aggregation
>>> maximum = get_aggregation("max")
>>> maximum.combine([0.5, 2.0, 2.0]), maximum.slopes([0.5, 2.0, 2.0])
(2.0, [0.0, 1.0, 0.0])
>>> product = get_aggregation("product")
>>> product.combine([2.0, 3.0, 0.5]), product.slopes([2.0, 3.0, 0.5])
(3.0, [1.5, 1.0, 6.0])
"""

import numpy as np

from ..errors import NetworkError, describe

__all__ = ["Aggregation", "AGGREGATIONS", "get_aggregation"]


class Aggregation(str):
    """An aggregation's name, with how it combines terms and the slopes it gives them."""

    @property
    def symbol(self):
        """How explanations and pictures write it: Σ, max or Π."""
        return {"sum": "Σ", "max": "max", "product": "Π"}[self]

    def combine(self, terms):
        """in_j from the terms w_ij a_i (ascending i) of one example."""
        if self == "sum":
            return sum(terms, 0.0)
        return combine(self, terms)

    def slopes(self, terms):
        """c_ij = ∂in_j/∂(w_ij a_i) for each term of one example."""
        if self == "sum":
            return [1.0] * len(terms)
        return slopes(self, terms)

    def combine_rows(self, T):
        """in_j for every row of T (n × d)."""
        return combine_rows(self, T)

    def slopes_rows(self, T):
        """c_ij for every row of T (n × d)."""
        return slopes_rows(self, T)


AGGREGATIONS = {name: Aggregation(name) for name in ("sum", "max", "product")}
"""The aggregations, by name."""


def get_aggregation(name, j=None):
    """The :class:`Aggregation` `name` names (one of :data:`AGGREGATIONS`)."""
    if isinstance(name, str) and name in AGGREGATIONS:
        return AGGREGATIONS[name]
    which = "" if j is None else f" for neuron {j}"
    raise NetworkError(f"unknown aggregation {describe(name)}{which}; expected one of: "
                       f"{', '.join(map(repr, AGGREGATIONS))}")


def combine(name, terms):
    """in_j from the terms w_ij a_i (ascending i) of one example."""
    if name == "max":
        return max(terms) if terms else 0.0
    product = 1.0
    for t in terms:
        product *= t
    return product


def slopes(name, terms):
    """c_ij = ∂in_j/∂(w_ij a_i) for each term of one example."""
    if name == "max":
        if not terms:
            return []
        top = terms.index(max(terms))  # the first, i.e. lowest i, among equal maxima
        return [1.0 if k == top else 0.0 for k in range(len(terms))]
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


def combine_rows(name, T):
    """in_j for every row of T (n × d), as :func:`combine` computes it row by row."""
    if T.shape[1] == 0:
        return np.full(T.shape[0], 1.0 if name == "product" else 0.0)
    if name == "sum":
        return T.sum(axis=1)
    if name == "max":
        return T.max(axis=1)
    out = T[:, 0].copy()
    for k in range(1, T.shape[1]):  # left to right, as the reference engine multiplies
        out *= T[:, k]
    return out


def slopes_rows(name, T):
    """c_ij for every row of T (n × d), as :func:`slopes` computes them row by row."""
    n, d = T.shape
    C = np.zeros((n, d))
    if d == 0 or name == "sum":
        return C + (name == "sum")
    if name == "max":
        C[np.arange(n), np.argmax(T, axis=1)] = 1.0  # argmax: the first maximum
        return C
    before = np.ones((n, d))
    for k in range(1, d):
        before[:, k] = before[:, k - 1] * T[:, k - 1]
    running = np.ones(n)
    for k in range(d - 1, -1, -1):
        C[:, k] = before[:, k] * running
        running = running * T[:, k]
    return C
