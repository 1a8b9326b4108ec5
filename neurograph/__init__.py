"""neurograph: neural networks one neuron at a time, exactly as lecture notes write them.

A network is a directed acyclic graph (a ``networkx.DiGraph``) of neurons.
Neuron 0 is the bias neuron (a_0 = 1), input neurons pass x_j on, and every
processing neuron j computes in_j = Σ w_ij a_i and a_j = g(in_j).

>>> import neurograph as ng
>>> net = ng.Network.from_weights({(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4,
...                                (2, 4): 2, (0, 5): -1, (3, 5): 4, (4, 5): 2})
>>> net.forward([3, 4]).round(2)
array([0.82])
"""

from . import datasets
from .activations import ACTIVATIONS, Activation, get_activation
from .data import MinMaxScaler, classes, one_hot
from .explain import AnswerReport, check_answers
from .explanation import Explanation
from .errors import CycleError, NetworkError, UnknownEdgeError, UnknownNeuronError
from .gradcheck import GradCheckResult, gradcheck
from .io import load
from .layers import Layer
from .losses import LOSSES, Loss, get_loss
from .network import Network
from .neuron import Neuron
from .plot import network_layout, plot_network
from .plot_training import (plot_decision_boundary, plot_deltas, plot_history,
                            plot_neuron_outputs)
from .training import History

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "AnswerReport",
    "CycleError",
    "Explanation",
    "GradCheckResult",
    "History",
    "Layer",
    "LOSSES",
    "Loss",
    "MinMaxScaler",
    "Network",
    "NetworkError",
    "Neuron",
    "UnknownEdgeError",
    "UnknownNeuronError",
    "check_answers",
    "classes",
    "datasets",
    "get_activation",
    "get_loss",
    "gradcheck",
    "load",
    "network_layout",
    "one_hot",
    "plot_decision_boundary",
    "plot_deltas",
    "plot_history",
    "plot_network",
    "plot_neuron_outputs",
    "__version__",
]
