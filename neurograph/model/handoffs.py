"""The Network methods that hand the network to the teaching, files, drawing and topology
layers: ``explain``, ``layers``, ``save``, ``to_document``, ``to_networkx``, ``plot``,
``split_edge``, ``prune``, ``remove_dangling`` and ``simplify``.

:class:`Handoffs` is a base class of :class:`~neurograph.model.network.Network`; its
methods import a higher layer (teaching, drawing, topology) only when called, so the model
never depends on it.
"""

from ..files import document as documents
from ..files import graphs
from . import builders

__all__ = ["Handoffs"]


class Handoffs:
    """Explaining, saving, drawing and changing the topology (a base class of
    :class:`~neurograph.model.network.Network`)."""

    _one_time_step: object  # (what): refuses a feedforward call on a recurrent network

    # ------------------------------------------------------ explaining (teaching/)

    def explain(self, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                weight_decay=0.0, decay_bias=True, sparsity=None, batch=None, significant=None):
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
        significant : int, optional
            Show (and with `carry_rounded`, carry) this many significant figures instead,
            as textbooks such as Hagan's print them: −0.0495, 0.0997, −2.52.
        carry_rounded : bool, default False
            Round each value shown and carry the rounded value into the next
            step, as a person working by hand does.
        weight_decay : float, default 0
        decay_bias : bool, default True
        sparsity : (float, float), optional
            (ρ, β): show the sparse autoencoder's term in each hidden Δ_j,
            g′(in_j)·(Σ_k w_jk Δ_k + β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))).
        batch : array_like, optional
            The examples ρ̂_j is the mean over (default: x alone).

        Returns
        -------
        Explanation
            ``str()`` for text, ``.to_markdown()``, ``.to_latex()``, and the
            tables ``.neurons`` and ``.edges``.

        Examples
        --------
        Lecture 07-2c's forward propagation, rounding as the slide does:

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
        from ..teaching import explain
        self._one_time_step("explain(x)")
        return explain.explain(self, x, y=y, lr=lr, loss=loss, digits=digits,
                               carry_rounded=carry_rounded, weight_decay=weight_decay,
                               decay_bias=decay_bias, sparsity=sparsity, batch=batch,
                               significant=significant)

    def explain_sequence(self, X, Y=None, lr=None, loss="squared", digits=4):
        """Backpropagation through time on one sequence, worked by hand.

        One line per neuron per time step: in_j(t) = Σ_i w_ij a_i(t − d_ij) and
        a_j(t) = g(in_j(t)) forward from the zero state; with targets `Y` (a row of NaN: no
        target at that step), Δ_j(t) = g′(in_j(t)) (Σ_k w_jk Δ_k(t + d_jk)) [+ ∂ℓ/∂in_j(t)]
        backward from t = T, then ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d_ij); with `lr`, the
        updates. Returns an :class:`~neurograph.teaching.explanation.Explanation` (text,
        Markdown, LaTeX; ``to_html()`` the step-through page with time chips t = 1 … T,
        ``to_beamer()`` one frame per time step of each pass); the network is left as it was.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 2): 0.5, (2, 2): -1.0}, delays={(2, 2): 1},
        ...                               activation="identity")
        >>> steps = net.explain_sequence([[1.0], [2.0]], [[float("nan")], [1.0]], lr=0.1)
        >>> print(str(steps).splitlines()[5])
          in_2(2) = w_1,2·a_1(2) + w_2,2·a_2(1) = 0.5·2 + (−1)·0.5 = 0.5
        >>> print(str(steps).splitlines()[10])
          Δ_2(1) = g′(0.5)·(−1·Δ_2(2)) = 1
        >>> steps.values["Δ_2(2)"], steps.values["dJ/dw_2,2"], steps.values["w_2,2"]
        (-1.0, -0.5, -0.95)
        >>> steps.to_html().count('data-time="'), steps.to_beamer().count("begin{frame}")
        (2, 7)
        """
        from ..teaching import sequence_steps
        return sequence_steps.explain_sequence(self, X, Y, lr=lr, loss=loss, digits=digits)

    def layers(self):
        """The layer notation of Lectures 23, 25 and #L3 for a layered network.

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
        from ..teaching import layers
        return layers.layers(self)

    # ------------------------------------------------------------- files (files/)

    def save(self, path):
        """Write the network to a file: JSON (.json) or an edge list (.txt, .edges, .edgelist).

        The file is written whole or not at all (a temporary file, then a
        rename; a file replaced keeps its permissions), and :func:`neurograph.load`
        reads it back equal, every weight to the last bit. Returns the path.
        """
        with builders.building():
            return documents.save(self.to_document(), path)

    def to_document(self):
        """The network as plain data (what a JSON file holds); see docs/format.md."""
        return documents.to_document(self)

    def to_networkx(self):
        """A new, editable ``networkx.DiGraph``: node attributes ``kind`` and ``activation``,
        edge attribute ``weight`` (and ``frozen``), inputs and outputs in ``G.graph``."""
        return graphs.from_document(self.to_document())

    # ----------------------------------------------------------- drawing (drawing/)

    def plot(self, path=None, **kwargs):
        """Draw the network; with `path`, into a PNG, SVG, PDF or TikZ (.tex) file chosen by
        its extension.

        Takes the keyword arguments of :func:`neurograph.plot_network` (bias,
        weights, values, digits, pos, title), and with `path` also ``dpi``
        (default 110; not for .tex, which :func:`neurograph.to_tikz` writes as a
        standalone document). Returns the Axes, or with `path` the path written.
        """
        from ..drawing import network, tikz
        if path is None:
            return network.plot_network(self, **kwargs)
        if str(path).lower().endswith(".tex"):
            return tikz.save_tikz(self, path, **kwargs)
        return network.save_network_picture(self, path, **kwargs)

    def _repr_png_(self):
        from ..drawing import network
        return network.network_png(self)

    # ----------------------------------------------------------------- topology operators

    def split_edge(self, i, j, activation="identity", new_id=None):
        """NEAT's add-node: replace edge (i, j) by (i, new) with w = 1 and (new, j) with w_ij.

        The new hidden neuron also gets a bias edge (0, new) with w = 0. With the
        identity activation the network computes the same function (to rounding:
        in_j sums the same terms, perhaps in another order). A frozen (i, j) leaves
        (new, j) frozen; a tied edge must be untied first.

        Returns
        -------
        int
            The new neuron's id (by default one more than the largest).

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.5})
        >>> before = net.forward([2.0]).copy()
        >>> net.split_edge(1, 2)
        3
        >>> sorted(net.edges()), bool((net.forward([2.0]) == before).all())
        ([(0, 2), (0, 3), (1, 3), (3, 2)], True)
        """
        from ..topology import operators
        return operators.split_edge(self, i, j, activation, new_id)

    def prune(self, fraction=None, threshold=None, method="magnitude", X=None, Y=None,
              loss="squared", include_bias=False):
        r"""Remove the edges that matter least; returns [(i, j, w_ij), …] removed.

        Parameters
        ----------
        fraction : float in (0, 1), optional
            The share of the candidate edges to remove, lowest scores first.
        threshold : float > 0, optional
            Instead: remove every candidate scoring below it.
        method : {"magnitude", "saliency"}
            "magnitude" scores |w_ij|; "saliency" scores Optimal Brain Damage's
            ½ h_ij w_ij², h_ij ≈ ∂²J/∂w_ij² from a second backward pass over the
            examples `X`, `Y` under `loss` (see
            :func:`neurograph.topology.operators.diagonal_hessian` for the formula).
        include_bias : bool, default False
            Whether bias edges are candidates. Frozen and tied edges never are.

        Raises
        ------
        NetworkError
            If the pruning would leave an output with no path from any input (the
            network is then left as it was), or for a fraction outside (0, 1).

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(1, 3): 0.1, (2, 3): -2.0, (1, 4): 1.0, (4, 3): 0.5})
        >>> net.prune(fraction=0.25)
        [(1, 3, 0.1)]
        """
        from ..topology import operators
        return operators.prune(self, fraction, threshold, method, X, Y, loss, include_bias)

    def remove_dangling(self):
        """Remove the hidden neurons that reach no output, and those that no input reaches.

        A neuron that reaches no output cannot change y; one that no input reaches
        computes a constant a_c, which is first added to each successor's bias
        (w_0k += w_ck a_c), so the function is unchanged. A constant feeding a max or
        product neuron (or a tied bias) cannot be folded so, and stays. Inputs and
        outputs always stay. Returns the ids removed.
        """
        from ..topology import operators
        return operators.remove_dangling(self)

    def simplify(self):
        """Remove zero weights into Σ neurons, then :meth:`remove_dangling`, until nothing changes.

        The function is unchanged (to rounding). Returns ``{"edges": [...], "neurons": [...]}``,
        what was removed.
        """
        from ..topology import operators
        return operators.simplify(self)
