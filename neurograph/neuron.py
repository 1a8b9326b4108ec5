"""One neuron of a network: its id, kind, activation and the values propagation leaves on it."""

import math

from .activations import get_activation
from .errors import NetworkError

__all__ = ["Neuron", "KINDS"]

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
    activation : Activation or None
        g for processing neurons (assign a name or an :class:`Activation`);
        None for the bias and input neurons.
    in_ : float
        in_j = Σ w_ij a_i, set by ``forward`` (NaN until then, and for the bias and inputs).
    a : float
        a_j: 1 for the bias neuron, x_j for inputs, g(in_j) otherwise (NaN until ``forward``).
    delta : float
        Δ_j = ∂J/∂in_j, set by ``backward`` (NaN until then, and for the bias and inputs).

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0})
    >>> _ = net.forward([1.5])
    >>> net.neuron(2)
    Neuron(2, output, logistic, in_=2, a=0.8808, delta=nan)
    """

    __slots__ = ("id", "kind", "_activation", "in_", "a", "delta")

    def __init__(self, id, kind, activation=None):
        self.id = id
        self.kind = kind
        self._activation = None if kind in ("bias", "input") else get_activation(activation)
        self.in_ = math.nan
        self.a = 1.0 if kind == "bias" else math.nan
        self.delta = math.nan

    @property
    def activation(self):
        """g, the neuron's :class:`Activation` (None for the bias and input neurons)."""
        return self._activation

    @activation.setter
    def activation(self, spec):
        if self.kind in ("bias", "input"):
            raise NetworkError(f"neuron {self.id} is {'the' if self.id == 0 else 'an'} {self.kind} "
                               f"neuron and has no activation; only hidden and output neurons do")
        self._activation = get_activation(spec)

    @property
    def is_processing(self):
        """True for hidden and output neurons, which compute in_j and g(in_j)."""
        return self.kind in ("hidden", "output")

    def reset(self):
        """Forget the values of the last forward and backward pass."""
        self.in_ = math.nan
        self.a = 1.0 if self.kind == "bias" else math.nan
        self.delta = math.nan

    def __repr__(self):
        g = f", {self._activation.name}" if self._activation is not None else ""
        return (f"Neuron({self.id}, {self.kind}{g}, in_={self.in_:.4g}, a={self.a:.4g}, "
                f"delta={self.delta:.4g})")
