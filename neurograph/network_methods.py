"""What users do with a network — train it, explain it, draw it, save it — as methods.

``Network`` (network.py) holds the model and its propagation; it takes these methods from the
two classes here, each of which hands the work to the module that does it: training.py and
init.py; explain.py, layers.py, plot.py and io.py.
"""

from . import explain as explain_module
from . import init, io, training
from . import layers as layers_module
from .data import classes

__all__ = ["TrainingMethods", "PresentationMethods"]


class TrainingMethods:
    """Network's training methods: fit, predict, classify, initialize, freeze."""

    # ----------------------------------------------------------------- training

    def fit(self, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
            decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None,
            error_tol=None, min_delta=None, patience=1, progress=False, engine="auto"):
        """Train by gradient descent: NEURALNETTRAIN (seed 001) and its mini-batch variants.

        Parameters
        ----------
        X : array_like, n × len(net.inputs)
        Y : array_like, n × len(net.outputs)
            Targets; with one output neuron a flat sequence will do.
        lr : float, default 0.5
            α.
        epochs : int, default 100
            The epoch limit.
        batch_size : int or None, default 1
            1: one update per example in a fresh random permutation each epoch
            (NEURALNETTRAIN). k: one update per k consecutive examples of the
            permutation, from the average of their Δ_j a_i (the last batch may be
            smaller). None: full-batch gradient descent, one update per epoch.
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ: every update also subtracts 2αλ w_ij (seed 001).
        decay_bias : bool, default True
            False leaves the bias edges out of the decay (seed 004).
        dropout : float, default 0
            The probability of dropping each hidden neuron for an example; the
            survivors' outputs are scaled by 1/(1 − p). Training only.
        shuffle : bool, default True
            False keeps the examples in the order given.
        seed : int or numpy.random.Generator or None, default 0
            Drives the permutations and dropout: the same seed, the same run.
        validation : (X_val, Y_val), optional
            Recorded in the history after each epoch.
        error_tol : float, optional
            Stop once every |y_k − a_k| on the training set is below it.
        min_delta, patience : float and int, optional
            Stop once J(w) changes by less than `min_delta` in `patience`
            epochs in a row.
        progress : bool, default False
            Show a progress bar (needs tqdm).
        engine : {"auto", "reference"}, default "auto"

        Returns
        -------
        History

        Raises
        ------
        NetworkError
            For malformed data or options (the network is left as it was), or
            if J(w) stops being finite: the error names the epoch, carries the
            history so far as ``.history``, and the network keeps the weights
            from before that epoch.

        Examples
        --------
        XOR needs a hidden layer (seed 001):

        >>> import neurograph as ng
        >>> X, Y = ng.datasets.xor()
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
        >>> net.classify(X).tolist()
        [0, 1, 1, 0]
        """
        return training.fit(self, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, loss=loss,
                            weight_decay=weight_decay, decay_bias=decay_bias, dropout=dropout,
                            shuffle=shuffle, seed=seed, validation=validation,
                            error_tol=error_tol, min_delta=min_delta, patience=patience,
                            progress=progress, engine=engine)

    def predict(self, X, engine="auto"):
        """The output activations for each example: an array n × len(net.outputs)."""
        return training.predict(self, X, engine=engine)

    def classify(self, X, engine="auto"):
        """The class of each example: the index of its highest output (seed 001, 07-4c).

        With one output neuron: 1 if a ≥ 0.5, else 0.
        """
        return classes(self.predict(X, engine=engine))

    def initialize(self, method="uniform", seed=0, epsilon=0.5, value=0.0):
        """Draw fresh initial weights for every edge that is not frozen.

        `method` is "uniform" (RAND(−ε, ε)), "normal" (N(0, ε²)), "glorot"
        (seed 004's √(6/(n_in + n_out + 1)) heuristic), "constant" (`value`
        everywhere), or a callable ``method(i, j, rng)``; see :mod:`neurograph.init`.
        """
        init.initialize(self, method, seed=seed, epsilon=epsilon, value=value)

    def freeze(self, i, j):
        """Hold w_ij fixed: training and ``sgd_step`` leave it (``net.grad`` still has ∂J/∂w_ij)."""
        self.w[i, j]  # the edge must exist
        self._graph.edges[i, j]["frozen"] = True
        self._plan = None

    def unfreeze(self, i, j):
        """Let training change w_ij again."""
        self.w[i, j]
        self._graph.edges[i, j].pop("frozen", None)
        self._plan = None

    @property
    def frozen(self):
        """The frozen edges, ascending."""
        return sorted((i, j) for i, j, f in self._graph.edges(data="frozen") if f)


class PresentationMethods:
    """Network's methods for explaining, the layer notation, drawing and files."""

    # --------------------------------------------------------------- explaining

    def explain(self, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                weight_decay=0.0, decay_bias=True):
        """The hand-worked steps for one example, in the lecture's notation.

        Forward propagation (in_j and a_j for each processing neuron in
        topological order); with `y`, backpropagation (the output Δ in the
        loss's own form, then each hidden Δ_j = g′(in_j) Σ_k w_jk Δ_k in reverse
        topological order) and ∂J/∂w_ij = Δ_j a_i for each edge; with `lr`, each
        update w_ij ← w_ij − α Δ_j a_i (− 2αλ w_ij with weight decay).
        Explaining never changes the network.

        Parameters
        ----------
        x, y : sequence of float
        lr : float, optional
            α; shows the updates.
        loss : str or Loss, default "squared"
        digits : int, default 4
            Decimal places shown.
        carry_rounded : bool, default False
            Round each value shown and carry the rounded value into the next
            step, as a person working by hand does.
        weight_decay : float, default 0
        decay_bias : bool, default True

        Returns
        -------
        Explanation
            ``str()`` for text, ``.to_markdown()``, ``.to_latex()``, and the
            tables ``.neurons`` and ``.edges``.

        Examples
        --------
        Seed 001's forward propagation, rounding as the slide does:

        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3,
        ...     (1, 4): -4, (2, 4): 2, (0, 5): -1, (3, 5): 4, (4, 5): 2})
        >>> steps = net.explain([3, 4], digits=2, carry_rounded=True)
        >>> for step in steps.steps[-4:]:
        ...     print(step.text(2))
        in_4 = w_0,4·a_0 + w_1,4·a_1 + w_2,4·a_2 = 3·1 + (−4)·3 + 2·4 = −1
        a_4 = g(in_4) = σ(−1) = 0.27
        in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.27 = 1.54
        a_5 = g(in_5) = σ(1.54) = 0.82
        """
        return explain_module.explain(self, x, y=y, lr=lr, loss=loss, digits=digits,
                                      carry_rounded=carry_rounded, weight_decay=weight_decay,
                                      decay_bias=decay_bias)

    # ------------------------------------------------------------ files, networkx

    def save(self, path):
        """Write the network to a file: JSON (.json) or an edge list (.txt, .edges, .edgelist).

        The file is written whole or not at all (a temporary file, then a
        rename), and every weight is read back by :func:`neurograph.load` exactly.
        Returns the path.
        """
        return io.save(self, path)

    def to_document(self):
        """The network as plain data (what a JSON file holds); see docs/format.md."""
        return io.to_document(self)

    def to_networkx(self):
        """A new ``networkx.DiGraph``: node attributes ``kind`` and ``activation``, edge
        attribute ``weight`` (and ``frozen``), inputs and outputs in ``G.graph``."""
        return io.to_networkx(self)

    @classmethod
    def from_networkx(cls, G, activation="logistic", inputs=None, outputs=None,
                      activations=None):
        """A network from a ``networkx.DiGraph`` whose edges carry ``weight``, checked as a
        file is; see :func:`neurograph.io.from_networkx`."""
        return io.from_networkx(G, activation=activation, inputs=inputs, outputs=outputs,
                                activations=activations, network_class=cls)

    # ------------------------------------------------------------------ drawing

    def plot(self, path=None, **kwargs):
        """Draw the network; with `path`, into a PNG, SVG or PDF file chosen by its extension.

        Takes the keyword arguments of :func:`neurograph.plot_network` (bias,
        weights, values, digits, pos, title), and with `path` also ``dpi``
        (default 110). Returns the Axes, or with `path` the path written.
        """
        from .plot import plot_network, save_network_picture
        if path is None:
            return plot_network(self, **kwargs)
        return save_network_picture(self, path, **kwargs)

    def _repr_png_(self):
        from .plot import network_png
        return network_png(self)

    # ------------------------------------------------------------ layer notation

    def layers(self):
        """The layer notation of seeds 000, 002 and 004 for a layered network.

        Returns
        -------
        list of Layer
            Input layer first. Layer l has W^l (row = to, column = from, as
            Nielsen's w^l_jk), b^l, z^l and a^l from the last forward pass, and
            after a backward pass the per-neuron Δ and the seeds' δ^l
            (δ = Δ for "half_squared" and "log", Δ/2 for "squared").

        Raises
        ------
        NetworkError
            If an edge skips a layer or the outputs are not the last layer.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_layers([[[1.0, -2.0]], ], [[0.5]], activation="identity")
        >>> _ = net.forward([3, 1])
        >>> layer = net.layers()[1]
        >>> layer.W, layer.b, layer.z
        (array([[ 1., -2.]]), array([0.5]), array([1.5]))
        """
        return layers_module.layers(self)

    @classmethod
    def from_layers(cls, Ws, bs, activation="logistic", output_activation=None):
        """Build the per-neuron network from the matrices W^2, …, W^L and vectors b^2, …, b^L.

        W^l has a row per neuron of layer l and a column per neuron of layer
        l − 1; neurons are numbered as :meth:`layered` numbers them.
        """
        return layers_module.from_layers(cls, Ws, bs, activation, output_activation)
