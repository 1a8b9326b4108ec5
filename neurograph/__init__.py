"""neurograph: neural networks one neuron at a time, exactly as lecture notes write them.

A network is a directed acyclic graph (a ``networkx.DiGraph``) of neurons.
Neuron 0 is the bias neuron (a_0 = 1), input neurons pass x_j on, and every
processing neuron j computes in_j = Σ w_ij a_i and a_j = g(in_j).

The package is layered: a module imports only from its own layer or lower ones.
``tests/test_layout.py`` (its ``LAYERS``) states the order and holds it; the README's
Development table shows it with what each layer holds.

>>> import neurograph as ng
>>> net = ng.Network.from_weights({(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4,
...                                (2, 4): 2, (0, 5): -1, (3, 5): 4, (4, 5): 2})
>>> net.forward([3, 4]).round(2)
array([0.82])
"""

from . import datasets
from .data import MinMaxScaler, classes, one_hot
from .drawing.filters import plot_filters
from .drawing.network import network_layout, plot_network
from .drawing.tikz import to_tikz
from .drawing.training import (plot_decision_boundary, plot_deltas, plot_history,
                               plot_neuron_outputs)
from .errors import (CycleError, DivergedError, NetworkError, SlowPathWarning,
                     UnknownEdgeError, UnknownNeuronError)
from .model.activations import ACTIVATIONS, Activation, get_activation
from .model.losses import LOSSES, Loss, get_loss
from .model.network import Network, load
from .model.neuron import Edge, Neuron
from .model.normalization import BatchNorm
from .model.rbm import RBM
from .teaching.answers import AnswerReport, check_answers
from .topology.cascade import cascade_correlation
from .topology.evolution import EvolutionResult, evolve
from .topology.features import add_features, feature_neurons
from .topology.relaxation import GradientSearchResult, gradient_search
from .teaching.exercise_file import load_exercise
from .teaching.exercises import Exercise, exercise
from .teaching.explanation import Explanation
from .teaching.grading import Grades, grade
from .teaching.mistakes import MISCONCEPTIONS
from .teaching.sheets import exercise_pdf
from .teaching.layers import Layer
from .training.gradcheck import GradCheckResult, gradcheck
from .training.history import History

__version__ = "0.2.0"

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "AnswerReport",
    "BatchNorm",
    "CycleError",
    "DivergedError",
    "Edge",
    "Exercise",
    "Explanation",
    "Grades",
    "GradCheckResult",
    "History",
    "Layer",
    "LOSSES",
    "MISCONCEPTIONS",
    "Loss",
    "MinMaxScaler",
    "Network",
    "NetworkError",
    "Neuron",
    "RBM",
    "SlowPathWarning",
    "UnknownEdgeError",
    "UnknownNeuronError",
    "check_answers",
    "classes",
    "datasets",
    "exercise",
    "exercise_pdf",
    "get_activation",
    "get_loss",
    "gradcheck",
    "grade",
    "load",
    "load_exercise",
    "network_layout",
    "one_hot",
    "plot_decision_boundary",
    "plot_deltas",
    "plot_filters",
    "plot_history",
    "plot_network",
    "cascade_correlation",
    "evolve",
    "add_features",
    "gradient_search",
    "GradientSearchResult",
    "feature_neurons",
    "EvolutionResult",
    "to_tikz",
    "plot_neuron_outputs",
    "__version__",
]
