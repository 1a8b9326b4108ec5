"""The two parts of a network: a neuron (its id, kind, activation and values) and an edge (w_ij)."""

import math

from .. import checks
from ..errors import NetworkError
from .activations import get_activation
from .aggregations import get_aggregation
from .normalization import BatchNorm
from .parameters import Slot

__all__ = ["Neuron", "Edge", "FrozenEdge", "KINDS"]

KINDS = ("bias", "input", "hidden", "output")
"""What a neuron can be: the bias neuron 0, an input neuron, or a processing neuron
(hidden or output)."""


class Neuron:
    """A neuron j and its state after the last forward and backward pass.

    Attributes
    ----------
    id : int
        j, the neuron's number in the lecture's numbering.
    kind : {"bias", "input", "hidden", "output"}
        Read-only here; ``net.set_kind(j, kind)`` turns a hidden neuron into an output
        or back.
    activation : Activation or None
        g for processing neurons (assign a name or an :class:`Activation`);
        None for the bias and input neurons.
    in_ : float
        in_j = Σ w_ij a_i, set by ``forward`` (NaN until then, and for the bias and inputs).
    a : float
        a_j: 1 for the bias neuron, x_j for inputs, g(in_j) otherwise (NaN until ``forward``).
    delta : float
        Δ_j = ∂J/∂in_j, set by ``backward`` (NaN until then, and for the bias and inputs).
    aggregation : Aggregation or None
        How in_j combines the terms w_ij a_i: "sum", "max" or "product" (a ``str``; see
        :mod:`neurograph.model.aggregations`); change it with
        ``net.set_aggregation(j, name)``. None for the bias and inputs.
    norm : BatchNorm or None
        The neuron's batch normalization (``net.add_batch_norm(j)``), else None; then
        ``gamma`` and ``beta`` read and write γ_j and β_j.

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0})
    >>> _ = net.forward([1.5])
    >>> net.neuron(2)
    Neuron(2, output, logistic, in_=2, a=0.8808, delta=nan)
    """

    __slots__ = ("id", "_kind", "_activation", "_on_change", "in_", "a", "delta", "_aggregation",
                 "_norm")

    def __init__(self, id, kind, activation=None, on_change=None, aggregation="sum", norm=None):
        self.id = id
        self._kind = kind
        processing = kind not in ("bias", "input")
        self._activation = get_activation(activation) if processing else None
        self._on_change = on_change
        self._aggregation = get_aggregation(aggregation, id) if processing else None
        self._norm = norm
        self.reset()

    @property
    def aggregation(self):
        """How in_j combines w_ij a_i: "sum", "max" or "product" (None for the bias and inputs)."""
        return self._aggregation

    @aggregation.setter
    def aggregation(self, name):
        if self._aggregation is None:
            raise NetworkError(f"neuron {self.id} is {'the' if self.id == 0 else 'an'} "
                               f"{self._kind} neuron; only hidden and output neurons aggregate")
        aggregation = get_aggregation(name, self.id)
        if self._on_change is not None:
            self._on_change(self, "aggregation", aggregation)
        self._aggregation = aggregation

    @property
    def norm(self):
        """The neuron's :class:`~neurograph.model.normalization.BatchNorm`, or None."""
        return self._norm

    @norm.setter
    def norm(self, norm):
        if norm is not None and not isinstance(norm, BatchNorm):
            raise NetworkError(f"a neuron's norm is a BatchNorm or None; received "
                               f"{type(norm).__name__}")
        if self._on_change is not None:
            self._on_change(self, "norm", norm)
        self._norm = norm

    @property
    def gamma(self):
        """γ_j of the neuron's batch normalization (a NetworkError if it has none)."""
        return self._batch_norm().gamma

    @gamma.setter
    def gamma(self, value):
        self._batch_norm().gamma = checks.weight(value, f"γ_{self.id}")

    @property
    def beta(self):
        """β_j of the neuron's batch normalization (a NetworkError if it has none)."""
        return self._batch_norm().beta

    @beta.setter
    def beta(self, value):
        self._batch_norm().beta = checks.weight(value, f"β_{self.id}")

    def _batch_norm(self):
        if self.norm is None:
            raise NetworkError(f"neuron {self.id} has no batch normalization; add it with "
                               f"net.add_batch_norm({self.id})")
        return self.norm

    @property
    def kind(self):
        """"bias", "input", "hidden" or "output"."""
        return self._kind

    @kind.setter
    def kind(self, kind):
        raise NetworkError(f"a neuron's kind is the network's to change: use "
                           f"net.set_kind({self.id}, {kind!r})")

    @property
    def activation(self):
        """g, the neuron's :class:`Activation` (None for the bias and input neurons)."""
        return self._activation

    @activation.setter
    def activation(self, spec):
        if self._kind in ("bias", "input"):
            raise NetworkError(f"neuron {self.id} is {'the' if self.id == 0 else 'an'} "
                               f"{self._kind} neuron and has no activation; only hidden and "
                               f"output neurons do")
        activation = get_activation(spec)
        if self._on_change is not None:  # the network checks it and forgets compiled forms
            self._on_change(self, "activation", activation)
        self._activation = activation

    @property
    def is_processing(self):
        """True for hidden and output neurons, which compute in_j and g(in_j)."""
        return self._kind in ("hidden", "output")

    def reset(self):
        """Forget the values of the last forward and backward pass."""
        self.in_ = math.nan
        self.a = 1.0 if self._kind == "bias" else math.nan
        self.delta = math.nan

    def __repr__(self):
        g = f", {self._activation.name}" if self._activation is not None else ""
        if self.aggregation is not None and not self.aggregation.is_sum:
            g += f", {self.aggregation}"
        if self.norm is not None:
            g += ", batch norm"
        return (f"Neuron({self.id}, {self._kind}{g}, in_={self.in_:.4g}, a={self.a:.4g}, "
                f"delta={self.delta:.4g})")


class Edge(Slot):
    """An edge (i, j) of the network: where its weight w_ij is, and whether training holds it.

    The weight lives in the network's θ array (:class:`~neurograph.model.parameters.Parameters`)
    at ``slot``; a tied group's edges share one Edge, so one slot. The engines read and write
    the array directly; ``weight`` reads and writes the slot. Users reach weights through
    ``net.w[i, j]`` and :meth:`Network.freeze`.

    ``frozen`` is told by the class (a frozen edge is a :class:`FrozenEdge`), so an edge holds
    no more than its place in θ: 48 bytes, which matters for networks of millions of edges.

    >>> from neurograph.model.parameters import Parameters
    >>> edge = Edge(Parameters(), 0.5)
    >>> edge.frozen = True
    >>> edge, type(edge).__name__
    (Edge(weight=0.5, frozen), 'FrozenEdge')
    """

    __slots__ = ()

    def __init__(self, store, weight, frozen=False):
        super().__init__(store, weight)
        self.frozen = frozen

    weight = Slot.value

    @property
    def frozen(self):
        """Whether training holds w_ij fixed."""
        return type(self) is FrozenEdge

    @frozen.setter
    def frozen(self, value):  # freezing or thawing changes the class, not a field
        self.__class__ = FrozenEdge if value else Edge

    def __repr__(self):
        return f"Edge(weight={self.weight!r}{', frozen' if self.frozen else ''})"


class FrozenEdge(Edge):
    """An :class:`Edge` that training holds fixed."""

    __slots__ = ()
