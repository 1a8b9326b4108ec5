"""The classmethods that build a :class:`~neurograph.model.network.Network`.

``Network.from_weights``, ``layered``, ``autoencoder``, ``from_layers``, ``from_document``
and ``from_networkx`` live here, in :class:`Constructors`, a base class of ``Network``:
each turns its input into a :class:`~neurograph.model.structure.Blueprint` (see
:mod:`neurograph.model.builders`) and hands it to ``Network.from_blueprint``, where every
way in ends and is checked by the same rules.
"""

from .. import checks
from ..errors import NetworkError, describe
from ..files import document as documents
from ..files import graphs
from . import builders
from . import init as initial_weights
from .activations import Activation
from .structure import Blueprint

__all__ = ["Constructors", "known_activations"]


class Constructors:
    """The ways to build a Network (a base class of :class:`~neurograph.model.network.Network`)."""

    @classmethod
    def from_weights(cls, weights, activation="logistic", activations=None, inputs=None,
                     outputs=None, aggregations=None, delays=None):
        """Build a network with exactly the edges and weights given.

        Parameters
        ----------
        weights : mapping or iterable
            ``{(i, j): w_ij}``, or an iterable of ``(i, j, w_ij)``. Lecture
            examples list their bias edges (0, j) explicitly, and so does this.
        activation : str or Activation, default "logistic"
            g for every processing neuron.
        activations : mapping, optional
            ``{j: activation}`` overrides for single neurons, e.g. ``{5: "identity"}``.
        inputs : sequence of int, optional
            The input neurons in the order of x. Default: every id other than 0
            with no incoming edge, ascending.
        outputs : sequence of int, optional
            The output neurons in the order of y. Default: every processing
            neuron with no outgoing edge, ascending.
        aggregations : mapping, optional
            ``{j: "max" | "product"}`` for neurons that do not sum their terms
            (see :meth:`set_aggregation`).
        delays : mapping, optional
            ``{(i, j): d}``: recurrent edges, a_i(t − d) feeding in_j(t) (d ≥ 1; see
            :meth:`connect` and :meth:`forward_sequence`). They may close cycles.

        Raises
        ------
        NetworkError
            For a malformed edge or weight, an edge into neuron 0 or an input, a
            self-loop, a repeated edge, or inputs/outputs/activations that do not fit.
        CycleError
            If the edges contain a directed cycle (the message names it).
        """
        with builders.building():
            return cls.from_blueprint(builders.weights_blueprint(weights, activation,
                                                                 activations, inputs, outputs,
                                                                 aggregations, delays))

    @classmethod
    def layered(cls, sizes, activation="logistic", output_activation=None, seed=0, epsilon=0.5,
                init="uniform", skip=False):
        """A fully connected layered network numbered as the lectures number it.

        Inputs are 1..p, then each layer in turn, outputs last; every processing
        neuron has a bias edge from neuron 0. Initial weights are RAND(−ε, ε)
        (Lecture 07-4a's NEURALNETTRAIN) unless `init` says otherwise, drawn edge by
        edge in the order (0, j), (i, j) for ascending i, for ascending j.

        Parameters
        ----------
        sizes : sequence of int
            Neurons per layer, inputs first, e.g. ``[2, 2, 1]``.
        activation : str or Activation, default "logistic"
            g for every hidden neuron (and the outputs, unless `output_activation`).
        output_activation : str or Activation, optional
            g for the output neurons, e.g. ``"identity"`` for regression.
        seed : int or numpy.random.Generator or None, default 0
            Where the initial weights come from.
        epsilon : float, default 0.5
            ε for the "uniform" and "normal" initialisations.
        init : str or callable, default "uniform"
            How to draw the initial weights: see :meth:`initialize`.
        skip : bool, default False
            Also join every neuron to every neuron of every later layer (skip
            connections), not only to the next layer.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> net.inputs, net.hidden, net.outputs
        ([1, 2], [3, 4], [5])
        >>> sorted(net.w)[:4]
        [(0, 3), (0, 4), (0, 5), (1, 3)]
        """
        initial_weights.drawer(init, epsilon)  # refuse a bad init before building anything
        rng = checks.generator(seed)
        with builders.building():
            net = cls.from_blueprint(builders.layered_blueprint(sizes, activation,
                                                                output_activation, skip))
            initial_weights.initialize(net, init, seed=rng, epsilon=epsilon)
        return net

    @classmethod
    def autoencoder(cls, n_visible, n_hidden, activation="logistic", seed=0, init="glorot",
                    epsilon=0.5):
        """Lecture 25's autoencoder: ``layered([n_visible, n_hidden, n_visible])``, trained to
        reproduce its input (``fit(X, X, …)``, with ``sparsity=(ρ, β)`` for UFLDL's sparse one).

        The initial weights are Lecture 25's heuristic, uniform in ±√(6/(n_in + n_out + 1))
        ("glorot"), unless `init` says otherwise. Inputs are 1 … n_visible, hidden neurons
        next, the outputs last in the order of the inputs.

        Examples
        --------
        >>> import neurograph as ng
        >>> ae = ng.Network.autoencoder(64, 25, seed=0)
        >>> ae.summary()
        '64 inputs, 25 hidden, 64 outputs, 3,289 weights'
        """
        return cls.layered([n_visible, n_hidden, n_visible], activation=activation, seed=seed,
                           init=init, epsilon=epsilon)

    @classmethod
    def from_layers(cls, Ws, bs, activation="logistic", output_activation=None):
        """Build the per-neuron network from the matrices W^2, …, W^L and vectors b^2, …, b^L.

        W^l has a row per neuron of layer l and a column per neuron of layer
        l − 1; neurons are numbered as :meth:`layered` numbers them.
        """
        return cls.from_blueprint(builders.layers_blueprint(Ws, bs, activation,
                                                            output_activation))

    @classmethod
    def from_document(cls, doc, source="the network", activations=None):
        """Build the network a document describes (what a JSON file holds; docs/format.md).

        `source` names the origin in errors; `activations` maps names to user-made
        activations the document names.
        """
        contents = documents.contents(doc, source)
        return cls.from_blueprint(Blueprint(**contents, known=known_activations(activations)))

    @classmethod
    def from_networkx(cls, G, activation="logistic", inputs=None, outputs=None,
                      activations=None):
        """A network from a ``networkx.DiGraph`` whose edges carry ``weight``.

        Node attributes ``kind`` and ``activation`` are used where present; otherwise
        kinds are inferred as :meth:`from_weights` does and `activation` is every
        processing neuron's g. `inputs` and `outputs` (or ``G.graph["inputs"]`` and
        ``["outputs"]``) give their order. Checked by the same rules as every way in.
        """
        contents = graphs.contents(G, activation, inputs, outputs)
        return cls.from_blueprint(Blueprint(**contents, known=known_activations(activations)))



def known_activations(activations):
    """User-made activations by name, for files that name them."""
    if activations is None:
        return {}
    if not hasattr(activations, "items"):
        raise NetworkError(f"activations must map names to Activation objects; received "
                           f"{describe(activations)}")
    for name, g in activations.items():
        if not isinstance(g, Activation):
            raise NetworkError(f"activations must map names to Activation objects; "
                               f"{name!r} maps to {describe(g)}")
    return dict(activations)

