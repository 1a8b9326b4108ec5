"""Recurrent networks: delay edges, sequences, and the feedforward network they unroll into.

:class:`Recurrent`, a base class of :class:`~neurograph.model.network.Network`, holds
``forward_sequence``, ``unroll`` and the builders ``elman`` and ``jordan``. A recurrent
network is the one model with some edges given a delay d ≥ 1 (``connect(i, j, w,
delay=d)``): a_i(t − d) feeds in_j(t), and a_i(t) = 0 for t ≤ 0 at the start of every
sequence. BPTT itself is :mod:`neurograph.engines.sequence`; training on sequences is
:mod:`neurograph.training.sequences`.
"""

import numbers

import numpy as np

from .. import checks
from ..engines import sequence
from ..errors import NetworkError, describe
from . import builders
from . import init as initial_weights
from .structure import Blueprint

__all__ = ["Recurrent", "sequence_inputs", "sequence_targets"]


def sequence_inputs(Xs, n_inputs, what="Xs", single=False):
    """Sequences of inputs as a float array (n, T, n_inputs) (``single``: one, (T, n_inputs)).

    Refuses, saying what was expected and received: ragged sequences (pad them to one
    length, with NaN target rows where the padding is), a wrong number of inputs, and
    values that are not finite numbers.
    """
    shape = "(T, n_inputs)" if single else "(n_sequences, T, n_inputs)"
    try:
        X = np.asarray(Xs, dtype=float)
    except (ValueError, TypeError):
        raise NetworkError(f"{what} must be an array {shape} of numbers, every sequence of one "
                           f"length T (pad shorter ones, and give their padding NaN targets); "
                           f"received {describe(Xs)}") from None
    ndim = 2 if single else 3
    if X.ndim != ndim or X.shape[-1] != n_inputs or X.shape[-2] < 1 or (not single
                                                                         and len(X) < 1):
        hint = "; one sequence X of T steps is [X]" if X.ndim == 2 and not single else ""
        raise NetworkError(f"{what} must be an array {shape} with n_inputs = {n_inputs}; "
                           f"received shape {X.shape}{hint}")
    if not np.all(np.isfinite(X)):
        raise NetworkError(f"{what} must be finite numbers; received {describe(Xs)}")
    return X


def sequence_targets(Ys, shape, what="Ys"):
    """Targets over time as a float array of `shape` (n, T, n_outputs): a row of NaN is a time
    step without a target; with one output, (n, T) will do."""
    try:
        Y = np.asarray(Ys, dtype=float)
    except (ValueError, TypeError):
        raise NetworkError(f"{what} must be an array {shape} of numbers (NaN rows: no target "
                           f"at that time step); received {describe(Ys)}") from None
    if Y.shape == shape[:-1] and shape[-1] == 1:
        Y = Y[..., None]
    if Y.shape != shape:
        raise NetworkError(f"{what} must have the shape (n_sequences, T, n_outputs) = {shape} "
                           f"of the inputs' sequences and the outputs; received shape {Y.shape}")
    missing = np.isnan(Y)
    partial = missing.any(axis=-1) & ~missing.all(axis=-1)
    if partial.any():
        e, t = map(int, np.argwhere(partial)[0])
        raise NetworkError(f"{what}[{e}][{t}] mixes numbers and NaN: a time step has a target "
                           f"for every output or (all NaN) none; received {Y[e, t].tolist()}")
    if np.isinf(Y).any():
        raise NetworkError(f"{what} must be finite numbers or NaN rows; received ±∞")
    return Y


class Recurrent:
    """Sequences through a network with delay edges (a base class of
    :class:`~neurograph.model.network.Network`)."""

    _delays: dict  # (i, j) → d ≥ 1, as model/network.py keeps them
    plan: object

    def forward_sequence(self, X):
        """The outputs a(t) for each x(t) of one sequence, from the zero state a_j(t ≤ 0) = 0.

        Parameters
        ----------
        X : array_like, (T, n_inputs)

        Returns
        -------
        numpy.ndarray, (T, n_outputs)

        Examples
        --------
        A neuron that adds its input to half its last output (delay 1, a self-loop):

        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 2): 1.0, (2, 2): 0.5}, delays={(2, 2): 1},
        ...                               activation="identity")
        >>> net.forward_sequence([[4.0], [0.0], [2.0]]).ravel().tolist()
        [4.0, 2.0, 3.0]
        """
        plan = self.plan()
        seq = sequence.sequence_plan(plan)
        X = sequence_inputs(X, len(plan.inputs), "X", single=True)
        a, _, _ = sequence.forward_through_time(seq, plan.store.memory, X.tolist())
        D = seq.longest
        return np.array([[a[D + t][k] for k in seq.outputs] for t in range(1, len(X) + 1)])

    def unroll(self, T):
        """The feedforward network of T time steps that defines the same function.

        One copy of each neuron per time step (see :meth:`unrolled_ids` for the numbering; the
        bias neuron 0 is shared): an ordinary edge (i, j) joins i and j at every t, and a delay
        edge (i, j) of delay d joins i at t − d to j at t. Where t − d ≤ 0 it comes from the
        initial state: a neuron of its own for each a_i(t − d), hidden, identity, with no
        incoming edge, so a = 0 (a max or product neuron sees that 0 term as the recurrent
        one does). Every copy of an edge is tied to the others (one shared weight, as in the
        recurrent network), and frozen where it is. The inputs are x(1), then x(2) …, the
        outputs a(1), a(2) …, so ``flat.forward(X.ravel())`` is
        ``net.forward_sequence(X).ravel()``, and backprop on it, summing the tied copies, is
        BPTT.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 2): 1.0, (2, 2): 0.5}, delays={(2, 2): 1},
        ...                               activation="identity")
        >>> flat = net.unroll(3)
        >>> flat.inputs, flat.outputs, flat.ties
        ([1, 3, 5], [2, 4, 6], [[(1, 2), (3, 4), (5, 6)], [(2, 4), (4, 6), (7, 2)]])
        >>> flat.forward([4.0, 0.0, 2.0]).tolist()
        [4.0, 2.0, 3.0]
        >>> net.unrolled_ids(3)[7]        # neuron 7 is a_2(0), the initial state
        (2, 0)
        """
        ids = self.unrolled_ids(T)  # (T checked)
        T = int(T)
        plan = self.plan()
        if sequence.sequence_plan(plan).group:
            raise NetworkError("the softmax outputs form one group per time step, which one "
                               "feedforward network cannot hold: unroll needs outputs without "
                               "softmax")
        copy = {value: key for key, value in ids.items()}
        of = (lambda j, t: 0 if j == 0 else copy[j, t])
        weights, delays, frozen = dict(self.w), self._delays, set(self.frozen)
        builders.check_edge_count(T * len(weights), f"unroll({T}) makes")
        edges, copies = {}, {}
        for (i, j), w_ij in weights.items():
            d = delays.get((i, j), 0)
            copies[i, j] = [(of(i, t - d), of(j, t)) for t in range(1, T + 1)]
            edges.update(dict.fromkeys(copies[i, j], w_ij))
        tied = {key for group in self.ties for key in group}
        groups = [[key] for key in weights if key not in tied] + self.ties
        ties = [sorted(c for key in group for c in copies[key]) for group in groups]
        kinds, activations, aggregations = {}, {}, {}
        for c, (j, t) in ids.items():
            neuron = self.neuron(j)
            if t <= 0:  # the initial state a_j(t) = 0
                kinds[c], activations[c] = "hidden", "identity"
                continue
            kinds[c] = neuron.kind
            if neuron.activation is not None:
                activations[c] = neuron.activation
            if neuron.aggregation is not None and not neuron.aggregation.is_sum:
                aggregations[c] = neuron.aggregation
        return type(self).from_blueprint(Blueprint(
            edges=edges, kinds=kinds, activations=activations, aggregations=aggregations,
            inputs=[copy[j, t] for t in range(1, T + 1) for j in self.inputs],
            outputs=[copy[k, t] for t in range(1, T + 1) for k in self.outputs],
            frozen={c for key in frozen for c in copies[key]},
            ties=[group for group in ties if len(group) >= 2]))

    def unrolled_ids(self, T):
        """``{id in unroll(T): (j, t)}``: which neuron j, at which time step t, each neuron of
        the unrolled network is.

        Neuron j at time t = 1 … T gets (t − 1)·m + r_j, where r_j = 1 … m is j's rank among
        the ids other than 0; the initial states a_i(s), s ≤ 0, that delay edges read follow,
        numbered T·m + 1, … by ascending s, then i.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 3): 1.0, (3, 3): 0.5}, delays={(3, 3): 2})
        >>> net.unrolled_ids(2)
        {1: (1, 1), 2: (3, 1), 3: (1, 2), 4: (3, 2), 5: (3, -1), 6: (3, 0)}
        """
        if isinstance(T, (bool, np.bool_)) or not isinstance(T, numbers.Integral) or T < 1:
            raise NetworkError(f"unroll takes the number of time steps T, a whole number ≥ 1; "
                               f"received {describe(T)}")
        T = int(T)
        ids = sorted(n.id for n in self.neurons if n.id)
        m = len(ids)
        if T * m > checks.MAX_ID // 2:
            raise NetworkError(f"unroll({T}) would number {T * m:,} neurons, beyond the ids "
                               f"a network holds (0 … {checks.MAX_ID})")
        numbering = {(t - 1) * m + r: (j, t) for t in range(1, T + 1)
                     for r, j in enumerate(ids, start=1)}
        states = sorted({(t - d, i) for (i, _), d in self._delays.items()
                         for t in range(1, min(d, T) + 1)})
        numbering.update({T * m + k: (i, s) for k, (s, i) in enumerate(states, start=1)})
        return numbering

    @classmethod
    def elman(cls, sizes, activation="tanh", output_activation=None, seed=0, epsilon=0.5,
              init="uniform"):
        """Elman's simple recurrent network (1990): :meth:`layered`, plus a delay-1 edge from
        every hidden neuron to every hidden neuron of its layer (its "context units").

        Examples
        --------
        >>> import neurograph as ng
        >>> rnn = ng.Network.elman([2, 3, 1], activation="tanh", output_activation="identity")
        >>> rnn.summary(), sorted(rnn.delays)[:3]
        ('2 inputs, 3 hidden, 1 output, 22 weights', [(3, 3), (3, 4), (3, 5)])
        >>> rnn.forward_sequence([[1, 0], [0, 1]]).shape
        (2, 1)
        """
        return cls._recurrent_layered(sizes, activation, output_activation, seed, epsilon,
                                      init, "elman")

    @classmethod
    def jordan(cls, sizes, activation="tanh", output_activation=None, seed=0, epsilon=0.5,
               init="uniform"):
        """Jordan's network (1986): :meth:`layered`, plus a delay-1 edge from every output
        neuron to every neuron of the first hidden layer (a_k(t − 1) is its "state").

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.jordan([2, 3, 1])
        >>> net.delays
        {(6, 3): 1, (6, 4): 1, (6, 5): 1}
        """
        return cls._recurrent_layered(sizes, activation, output_activation, seed, epsilon,
                                      init, "jordan")

    @classmethod
    def lstm(cls, n_inputs, n_hidden, seed=0, epsilon=0.5, init="uniform", two_biases=False):
        """An LSTM cell built from neurons (see :mod:`neurograph.model.cells`): per hidden unit
        the logistic gates i, f, o and the tanh candidate g (each fed by x(t) and, through
        delay-1 edges, every h(t − 1)), the products p = i·g and q = f·c(t − 1), the memory
        c = p + q (its delay-1 edge into q is the cell's memory), tc = tanh(c), and the output
        h = o·tc. The outputs are the h neurons; :meth:`cell_ids` says which id is which.

        Examples
        --------
        >>> import neurograph as ng
        >>> lstm = ng.Network.lstm(n_inputs=3, n_hidden=5, seed=0)
        >>> lstm.summary()
        '3 inputs, 40 hidden, 5 outputs, 225 weights'
        >>> ids = ng.Network.cell_ids("lstm", n_inputs=3, n_hidden=5)
        >>> ids["f"], str(lstm.neuron(ids["q"][0]).aggregation)
        ([9, 10, 11, 12, 13], 'product')
        """
        return cls._cell("lstm", n_inputs, n_hidden, seed, epsilon, init, two_biases)

    @classmethod
    def gru(cls, n_inputs, n_hidden, seed=0, epsilon=0.5, init="uniform", two_biases=False):
        """A GRU cell built from neurons (see :mod:`neurograph.model.cells`): per hidden unit
        the logistic gates r and z, hn = W_hn h(t − 1) + b_hn, the product rh = r·hn, the
        candidate n = tanh(W_in x + b_in + rh), omz = 1 − z, and h = omz·n + z·h(t − 1) (the
        products zn and zh). The outputs are the h neurons.

        Examples
        --------
        >>> import neurograph as ng
        >>> gru = ng.Network.gru(n_inputs=3, n_hidden=5, seed=0)
        >>> gru.summary(), gru.forward_sequence([[1, 0, 0], [0, 1, 0]]).shape
        ('3 inputs, 40 hidden, 5 outputs, 195 weights', (2, 5))
        """
        return cls._cell("gru", n_inputs, n_hidden, seed, epsilon, init, two_biases)

    @classmethod
    def from_torch(cls, module):
        """The network of a PyTorch ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` (one layer, one
        direction), with its weights: :meth:`forward_sequence` gives the module's h(t).

        PyTorch's two biases b_ih and b_hh stay two parameters (``two_biases=True`` of
        :meth:`lstm` and :meth:`gru`; an ``nn.RNN`` is one tanh or relu neuron per unit,
        fed by x(t) and every h(t − 1)), so that training moves them as autograd does. Every
        weight is taken as a float64 number.

        Examples
        --------
        >>> import torch, neurograph as ng
        >>> module = torch.nn.LSTM(2, 3).double()
        >>> net = ng.Network.from_torch(module)
        >>> X = torch.rand(4, 1, 2, dtype=torch.float64)   # (T, batch, inputs)
        >>> h, _ = module(X)
        >>> bool(abs(net.forward_sequence(X[:, 0]) - h[:, 0].detach().numpy()).max() < 1e-12)
        True
        """
        from . import cells
        kinds = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
        kind = kinds.get(type(module).__name__)
        if kind is None or not hasattr(module, "weight_ih_l0"):
            raise NetworkError(f"from_torch takes a torch.nn.RNN, LSTM or GRU; received "
                               f"{describe(module)}")
        if module.num_layers != 1 or module.bidirectional or getattr(module, "proj_size", 0):
            raise NetworkError(f"from_torch takes one layer in one direction (no projection); "
                               f"received num_layers={module.num_layers}, "
                               f"bidirectional={module.bidirectional}")
        activation = "relu" if getattr(module, "nonlinearity", "tanh") == "relu" else "tanh"
        bp, layout = cells.cell_blueprint(kind, module.input_size, module.hidden_size,
                                          two_biases=True, activation=activation,
                                          bias=module.bias)
        bp.edges.update(cells.torch_weights(kind, layout, module))
        return cls.from_blueprint(bp)

    @staticmethod
    def cell_ids(kind, n_inputs, n_hidden, two_biases=False):
        """Which neuron is which in :meth:`lstm`, :meth:`gru` (and :meth:`from_torch`'s
        networks, whose `two_biases` is True; kind "rnn" for an ``nn.RNN``): ``{part: [the id
        of each hidden unit's neuron]}``, with ``"x"`` the inputs and ``"one"`` the constant
        neuron of the second biases ([] without).

        >>> import neurograph as ng
        >>> ng.Network.cell_ids("gru", 2, 2)["zh"]
        [17, 18]
        """
        from . import cells
        if kind not in cells.PARTS:
            raise NetworkError(f"unknown cell {describe(kind)}; expected 'rnn', 'lstm' or 'gru'")
        return cells.cell_layout(kind, n_inputs, n_hidden, checks.flag(two_biases, "two_biases"))

    @classmethod
    def _cell(cls, kind, n_inputs, n_hidden, seed, epsilon, init, two_biases):
        from . import cells
        initial_weights.drawer(init, epsilon)
        rng = checks.generator(seed)
        bp, _ = cells.cell_blueprint(kind, n_inputs, n_hidden,
                                     two_biases=checks.flag(two_biases, "two_biases"))
        with builders.building():
            net = cls.from_blueprint(bp)
            initial_weights.initialize(net, init, seed=rng, epsilon=epsilon)
        return net

    @classmethod
    def _recurrent_layered(cls, sizes, activation, output_activation, seed, epsilon, init,
                           kind):
        initial_weights.drawer(init, epsilon)  # refuse a bad init before building anything
        rng = checks.generator(seed)
        if isinstance(sizes, (list, tuple, np.ndarray, range)):
            sizes = list(sizes)
        bp = builders.layered_blueprint(sizes, activation, output_activation)  # checks sizes
        if len(sizes) < 3:
            raise NetworkError(f"{kind.title()}'s network needs a hidden layer: sizes "
                               f"[inputs, hidden …, outputs]; received {describe(sizes)}")
        layers, first = [], 1
        for size in (int(s) for s in sizes):
            layers.append(list(range(first, first + size)))
            first += size
        if kind == "elman":
            recurrent = [(i, j) for layer in layers[1:-1] for i in layer for j in layer]
        else:
            recurrent = [(k, j) for k in layers[-1] for j in layers[1]]
        bp.edges.update(dict.fromkeys(recurrent, 0.0))
        bp.delays = dict.fromkeys(recurrent, 1)
        with builders.building():
            net = cls.from_blueprint(bp)
            initial_weights.initialize(net, init, seed=rng, epsilon=epsilon)
        return net
