"""``net.w`` and ``net.grad``: dict-like views onto the weights and gradients on the edges."""

import math
from collections.abc import Mapping

from . import _checks
from .errors import NetworkError, UnknownEdgeError

__all__ = ["WeightView", "GradView"]


class WeightView(Mapping):
    """``net.w``: w_ij by edge (i, j), readable and writable, in ascending (i, j) order."""

    def __init__(self, net):
        self._net = net

    def _edge(self, key):
        i, j = _checks.edge(key, "a weight's key")
        try:
            return self._net._graph.adj[i][j]
        except KeyError:
            raise UnknownEdgeError(f"there is no edge ({i}, {j}); add it with "
                                   f"net.connect({i}, {j}, w)") from None

    def __getitem__(self, key):
        return self._edge(key)["weight"]

    def __setitem__(self, key, value):
        edge = self._edge(key)
        edge["weight"] = _checks.weight(value, f"w_{key[0]},{key[1]}")

    def __iter__(self):
        return iter(sorted(self._net._graph.edges))

    def __len__(self):
        return self._net._graph.number_of_edges()

    def __repr__(self):
        return repr(dict(self))


class GradView(WeightView):
    """``net.grad``: ∂J/∂w_ij by edge (i, j) from the last ``backward`` (NaN before it)."""

    def __getitem__(self, key):
        return self._edge(key).get("grad", math.nan)

    def __setitem__(self, key, value):
        raise NetworkError("net.grad is read-only: backward(y) sets it")
