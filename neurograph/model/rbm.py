r"""The restricted Boltzmann machine of Lecture 23: visible and hidden neurons, undirected edges.

Visible neurons 1 … V and hidden neurons V + 1 … V + H are joined by undirected edges
{i, j} with weights w_ij; the biases are edges from neuron 0, as everywhere in neurograph:
w_0j for a hidden neuron j, w_0i for a visible neuron i. Every neuron is a binary
stochastic unit; with the energy

.. math:: E(v, h) = -\sum_i w_{0i} v_i - \sum_j w_{0j} h_j - \sum_{i,j} v_i w_{ij} h_j,

a hidden neuron computes in_j = w_0j + Σ_i w_ij v_i and P(h_j = 1 | v) = σ(in_j), a visible
one in_i = w_0i + Σ_j w_ij h_j and P(v_i = 1 | h) = σ(in_i). The weights are kept as
arrays (W, V × H; the hidden and visible biases); ``rbm.w[i, j]`` reads and writes them
by edge, as ``net.w`` does, and ``rbm.graph`` is the undirected ``networkx.Graph``.
"""

import itertools

import networkx as nx
import numpy as np

from .. import checks
from ..errors import NetworkError, UnknownEdgeError, describe
from ..files import document as documents
from .builders import check_edge_count

__all__ = ["RBM", "EXACT_LIMIT"]

EXACT_LIMIT = 20
"""The exact log-likelihood enumerates 2^min(V, H) states: at most 2^20."""


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ, without overflow warnings


class RBM:
    """A restricted Boltzmann machine with `n_visible` and `n_hidden` binary neurons.

    Parameters
    ----------
    n_visible, n_hidden : int
        At least 1 each; the V × H weights and V + H biases must fit in memory (at most
        :data:`~neurograph.model.builders.MAX_EDGES` edges, as for any network).
    seed : int or numpy.random.Generator, default 0
        The initial weights, N(0, 0.01²) as Hinton's guide suggests; the biases start at 0.

    Examples
    --------
    >>> import numpy as np
    >>> import neurograph as ng
    >>> rbm = ng.RBM(3, 2, seed=0)
    >>> rbm.visible, rbm.hidden
    ([1, 2, 3], [4, 5])
    >>> rbm.w[1, 4] = 0.5; rbm.w[0, 4] = -1.0      # a weight; hidden neuron 4's bias
    >>> float(rbm.transform([[1, 0, 0]])[0, 0])     # P(h_4 = 1 | v) = σ(−1 + 0.5)
    0.3775406687981454
    """

    def __init__(self, n_visible, n_hidden, seed=0):
        n_visible = checks.option("rbm_size", n_visible)
        n_hidden = checks.option("rbm_size", n_hidden)
        check_edge_count(n_visible * n_hidden + n_visible + n_hidden,
                         f"an RBM of {n_visible:,} visible and {n_hidden:,} hidden neurons has")
        rng = checks.generator(seed)
        self.W = rng.normal(0.0, 0.01, size=(n_visible, n_hidden))
        self.b = np.zeros(n_hidden)     # hidden biases, w_0j
        self.c = np.zeros(n_visible)    # visible biases, w_0i

    # ------------------------------------------------------------------ reading

    @property
    def n_visible(self):
        return self.W.shape[0]

    @property
    def n_hidden(self):
        return self.W.shape[1]

    @property
    def visible(self):
        """The visible neuron ids, 1 … V."""
        return list(range(1, self.n_visible + 1))

    @property
    def hidden(self):
        """The hidden neuron ids, V + 1 … V + H."""
        return list(range(self.n_visible + 1, self.n_visible + self.n_hidden + 1))

    inputs = visible  # what plot_filters reads as the image

    @property
    def w(self):
        """``rbm.w[i, j]``: a weight (visible i, hidden j, in either order) or a bias (0, j)."""
        return _RBMWeights(self)

    def filters(self, neurons=None):
        """(ids, array): each hidden neuron's weights from the visible neurons, one row each."""
        ids = self.hidden if neurons is None else list(neurons)
        first = self.n_visible + 1
        for j in ids:
            if not (type(j) is int and first <= j < first + self.n_hidden):
                raise NetworkError(f"neuron {describe(j)} is not a hidden neuron of this RBM; the "
                                   f"hidden ones are {first} … {first + self.n_hidden - 1}")
        return ids, self.W[:, [j - first for j in ids]].T.copy()

    @property
    def graph(self):
        """The RBM as an undirected ``networkx.Graph``: nodes with ``kind`` ("bias",
        "visible", "hidden"), edges with ``weight`` (bias edges from neuron 0)."""
        G = nx.Graph(kind="rbm")
        G.add_node(0, kind="bias")
        G.add_nodes_from(self.visible, kind="visible")
        G.add_nodes_from(self.hidden, kind="hidden")
        for (i, j), w in self.w.items():
            G.add_edge(i, j, weight=w)
        return G

    def __repr__(self):
        return f"RBM(visible={self.n_visible}, hidden={self.n_hidden})"

    # ------------------------------------------------------------- computing

    def transform(self, X):
        """P(h_j = 1 | v) for every example and hidden neuron: σ(w_0j + Σ_i w_ij v_i)."""
        return _sigmoid(self.data(X, "X") @ self.W + self.b)

    def reconstruct(self, X):
        """One round trip with probabilities: P(v = 1 | h = P(h = 1 | x))."""
        return _sigmoid(self.transform(X) @ self.W.T + self.c)

    def gibbs(self, V, steps=1, seed=0):
        """`steps` rounds of block Gibbs sampling from each row of V: h ~ P(h | v), then
        v ~ P(v | h). Returns the visible samples."""
        V = self.data(V, "V")
        steps = checks.option("steps", steps)
        rng = checks.generator(seed)
        for _ in range(steps):
            H = (rng.random((len(V), self.n_hidden)) < _sigmoid(V @ self.W + self.b)) * 1.0
            V = (rng.random(V.shape) < _sigmoid(H @ self.W.T + self.c)) * 1.0
        return V

    def free_energy(self, V):
        """F(v) = −Σ_i w_0i v_i − Σ_j log(1 + e^{in_j}) per example, so p(v) = e^{−F(v)}/Z."""
        V = self.data(V, "V")
        return -(V @ self.c) - np.logaddexp(0.0, V @ self.W + self.b).sum(axis=1)

    def log_partition(self):
        """log Z, exactly, by enumerating the smaller layer's 2^min(V, H) states."""
        if min(self.n_visible, self.n_hidden) > EXACT_LIMIT:
            smaller = min(self.n_visible, self.n_hidden)
            raise NetworkError(f"the exact likelihood enumerates 2^{smaller} states; at most "
                               f"2^{EXACT_LIMIT} are feasible: use "
                               f"pseudo_likelihood for an RBM of {self.n_visible} × "
                               f"{self.n_hidden}")
        if self.n_hidden <= self.n_visible:
            H = _states(self.n_hidden)  # Σ_h e^{b·h} Π_i (1 + e^{c_i + W_i·h})
            terms = H @ self.b + np.logaddexp(0.0, H @ self.W.T + self.c).sum(axis=1)
        else:
            terms = -self.free_energy(_states(self.n_visible))
        top = terms.max()
        return float(top + np.log(np.exp(terms - top).sum()))

    def log_likelihood(self, X):
        """The exact mean log p(v) over the rows of X (binary), for RBMs small enough to
        enumerate (min(V, H) ≤ 20)."""
        X = self.data(X, "X", binary=True)
        return float(np.mean(-self.free_energy(X)) - self.log_partition())

    def pseudo_likelihood(self, X, seed=0):
        """Mean log pseudo-likelihood, V · log σ(F(ṽ) − F(v)) with one random visible bit of
        each row flipped in ṽ (scikit-learn's ``score_samples``); for RBMs of any size."""
        X = self.data(X, "X", binary=True)
        rng = checks.generator(seed)
        flipped = X.copy()
        column = rng.integers(0, self.n_visible, len(X))
        rows = np.arange(len(X))
        flipped[rows, column] = 1.0 - flipped[rows, column]
        gap = self.free_energy(flipped) - self.free_energy(X)
        return float(np.mean(self.n_visible * -np.logaddexp(0.0, -gap)))

    def exact_gradient(self, X):
        """∂/∂w of the mean log-likelihood, exactly: ⟨v h⟩_data − ⟨v h⟩_model, the model's
        expectation by enumerating the hidden states (H ≤ 20). Returns (dW, db, dc)."""
        X = self.data(X, "X", binary=True)
        if self.n_hidden > EXACT_LIMIT:
            raise NetworkError(f"the exact gradient enumerates 2^{self.n_hidden} hidden states; "
                               f"at most 2^{EXACT_LIMIT} are feasible")
        P = self.transform(X)
        H = _states(self.n_hidden)
        log_weight = H @ self.b + np.logaddexp(0.0, H @ self.W.T + self.c).sum(axis=1)
        p_h = np.exp(log_weight - log_weight.max())
        p_h /= p_h.sum()
        V_given_h = _sigmoid(H @ self.W.T + self.c)       # E[v | h] for each hidden state
        model_vh = (V_given_h * p_h[:, None]).T @ H
        return (X.T @ P / len(X) - model_vh, P.mean(axis=0) - p_h @ H,
                X.mean(axis=0) - p_h @ V_given_h)

    # ------------------------------------------------------------- training

    def fit(self, X, lr=0.05, epochs=20, batch_size=10, k=1, persistent=False, seed=0,
            shuffle=True):
        """Contrastive divergence (CD-k), or persistent CD, on mini-batches (Lecture 23).

        Each batch: the positive phase P(h | v) on the data; k Gibbs rounds from there (or,
        with `persistent`, from the chains kept since the last batch); then
        w_ij ← w_ij + α (⟨v_i h_j⟩_data − ⟨v_i h_j⟩_recon), and the biases alike.

        Returns a History whose ``loss`` is minus the mean pseudo-log-likelihood after each
        epoch.

        Raises
        ------
        DivergedError
            When an update would make a weight NaN or take it beyond ±1e100 (the limit of
            every network's weights), or the pseudo-log-likelihood stops being finite: the
            RBM keeps the weights it had before that epoch, and the error's ``.history``
            the epochs before it.
        """
        from ..training import contrastive
        return contrastive.fit(self, X, lr=lr, epochs=epochs, batch_size=batch_size, k=k,
                               persistent=persistent, seed=seed, shuffle=shuffle)

    # -------------------------------------------------------------- files

    def to_document(self):
        """The RBM as plain data: the neurograph format with ``"kind": "rbm"``."""
        edges = [{"from": i, "to": j, "weight": w} for (i, j), w in self.w.items()]
        return {"format": documents.FORMAT, "version": documents.VERSION, "kind": "rbm",
                "visible": self.visible, "hidden": self.hidden, "edges": edges}

    @classmethod
    def from_document(cls, doc, source="the RBM"):
        """The RBM a document describes (what :meth:`to_document` writes)."""
        visible, hidden, edges = documents.rbm_contents(doc, source)
        rbm = cls(len(visible), len(hidden))
        rbm.W[...] = 0.0
        for (i, j), w in edges.items():
            rbm.w[i, j] = w
        return rbm

    def save(self, path):
        """Write the RBM as JSON (atomically); :func:`neurograph.load` reads it back."""
        return documents.save_json(self.to_document(), path)

    def plot(self, path=None, ax=None, title=None, **others):
        """A bipartite picture: visible neurons below, hidden above, undirected edges.

        Parameters
        ----------
        path : str or Path, optional
            A PNG, SVG or PDF file to write; without it the picture is drawn on `ax`.
        ax : matplotlib Axes, optional
        title : str, optional
            Plain text, or matplotlib's mathtext between $ signs.

        Returns
        -------
        The Axes, or with `path` the path written.

        Raises
        ------
        NetworkError
            For an option of a feedforward network's picture (``values``, ``bias`` …): an
            RBM has no forward pass to show.
        """
        if others:
            received = ", ".join(f"{name}={describe(value)}" for name, value in others.items())
            raise NetworkError(f"an RBM's picture takes path, ax and title; received {received} "
                               f"(values, bias and the like belong to a feedforward network's "
                               f"picture)")
        from ..drawing import rbm as drawing
        return drawing.plot_rbm(self, path=path, ax=ax, title=title)

    # ------------------------------------------------------------- internal

    def data(self, X, what="X", binary=False):
        """X checked for this RBM: rows of V values in [0, 1] (0 or 1 with `binary`)."""
        X = checks.matrix(X, self.n_visible, what)
        if binary and not np.isin(X, (0.0, 1.0)).all():
            row = int(np.argwhere(~np.isin(X, (0.0, 1.0)))[0, 0])
            raise NetworkError(f"{what} must be binary (0 or 1) here; row {row} is "
                               f"{describe(X[row].tolist())}")
        if not binary and ((X < 0).any() or (X > 1).any()):
            row = int(np.argwhere((X < 0) | (X > 1))[0, 0])
            raise NetworkError(f"{what} must hold probabilities in [0, 1] for binary neurons; "
                               f"row {row} is {describe(X[row].tolist())}")
        return X


def _states(n):
    """Every binary vector of length n, one per row (2^n rows)."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(-1, n)


class _RBMWeights:
    """``rbm.w``: the edges {i, j} (visible i < hidden j) and the bias edges (0, j)."""

    def __init__(self, rbm):
        self._rbm = rbm

    def _where(self, key):
        rbm = self._rbm
        i, j = checks.edge(key, "an RBM edge")
        i, j = min(i, j), max(i, j)
        V, H = rbm.n_visible, rbm.n_hidden
        if i == 0 and 1 <= j <= V:
            return rbm.c, (j - 1,)
        if i == 0 and V < j <= V + H:
            return rbm.b, (j - V - 1,)
        if 1 <= i <= V < j <= V + H:
            return rbm.W, (i - 1, j - V - 1)
        raise UnknownEdgeError(f"the RBM has no edge ({i}, {j}): its edges join visible "
                               f"1 … {V} to hidden {V + 1} … {V + H}, and 0 to every neuron")

    def __getitem__(self, key):
        array, index = self._where(key)
        return float(array[index])

    def __setitem__(self, key, value):
        array, index = self._where(key)
        array[index] = checks.weight(value, f"w_{key[0]},{key[1]}")

    def items(self):
        rbm = self._rbm
        V = rbm.n_visible
        out = [((0, i), float(c)) for i, c in zip(rbm.visible, rbm.c)]
        out += [((0, j), float(b)) for j, b in zip(rbm.hidden, rbm.b)]
        out += [((i + 1, V + 1 + j), float(rbm.W[i, j])) for i in range(V)
                for j in range(rbm.n_hidden)]
        return out

    def __iter__(self):
        return iter(key for key, _ in self.items())

    def __len__(self):
        rbm = self._rbm
        return rbm.n_visible * rbm.n_hidden + rbm.n_visible + rbm.n_hidden
