"""The Network methods that hand work to the training layer: ``fit``, ``predict``,
``classify``, ``perceptron_step``, ``initialize``, ``to_torch`` and ``load_torch``.

:class:`TrainingMethods` is a base class of :class:`~neurograph.model.network.Network`;
its methods import :mod:`neurograph.training` (and the torch engine) only when called, so
the model never depends on them. (``cost_and_grad`` stays in
:mod:`neurograph.model.network`, beside θ.)
"""

from .. import checks
from . import init as initial_weights

__all__ = ["TrainingMethods"]


class TrainingMethods:
    """Training, prediction and the torch bridge (a base class of
    :class:`~neurograph.model.network.Network`)."""

    _one_time_step: object  # (what): refuses a feedforward call on a recurrent network

    def fit(self, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
            decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None,
            error_tol=None, min_delta=None, patience=1, progress=False, engine="auto",
            rule="gradient", optimizer="sgd", sparsity=None, sparsity_neurons=None,
            device=None, tol=None, options=None, truncate=None):
        """Train by gradient descent: NEURALNETTRAIN (Lecture 07-4a) and its mini-batch variants.

        Parameters
        ----------
        X : array_like, n × len(net.inputs)
        Y : array_like, n × len(net.outputs)
            Targets; with one output neuron a flat sequence will do.
        lr : float, default 0.5
            α.
        epochs : int, default 100
            The epoch limit (at least 1).
        batch_size : int or None, default 1
            1: one update per example in a fresh random permutation each epoch
            (NEURALNETTRAIN). k: one update per k consecutive examples of the
            permutation, from the average of their Δ_j a_i (the last batch may be
            smaller). None: full-batch gradient descent, one update per epoch.
        loss : str or Loss, default "squared"
        weight_decay : float, default 0
            λ: every update also subtracts 2αλ w_ij (Lecture 07-4d).
        decay_bias : bool, default True
            False leaves the bias edges out of the decay (Lecture 25).
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
        engine : {"auto", "reference", "vectorized", "torch"}, default "auto"
            All give the same numbers (to 1e-12 in float64); "auto" picks the batch
            engine once a batch is large enough to pay for it; "torch" runs the batch
            engine's loop on PyTorch tensors (:meth:`to_torch`; no dropout or sparsity).
        device : str, optional
            With engine="torch": where the tensors live ("cpu", "cuda", "cuda:1" …). On the
            CPU, a run of fewer than 2²⁴ examples × edges uses one PyTorch thread (its
            count is put back afterwards): small operations gain nothing from sharing, and
            PyTorch's threads, one per core by default, thrash on a busy machine.
        rule : {"gradient", "perceptron"}, default "gradient"
            "perceptron": Rosenblatt's rule, w_ij ← w_ij + α (y_j − a_j) a_i, one
            example at a time (see :meth:`perceptron_step`), for threshold outputs fed
            by inputs only; it stops after an epoch without mistakes ("errors") or at
            the epoch limit ("epochs": not separated, e.g. XOR).
        optimizer : {"sgd", "momentum", "adam", "rprop", "lbfgs", "cg", "bfgs", "tnc"}
            Default "sgd".
            How a gradient becomes a step (:mod:`neurograph.training.optimizers`):
            "sgd" is w_ij ← w_ij − α ∂J/∂w_ij; "momentum" (μ = 0.9) and "adam" keep a
            running state; "rprop" (iRprop−, FANN's default) steps each weight by a size
            of its own from the full batch's gradient signs; "lbfgs" and "cg" (Lecture 25),
            "bfgs" and "tnc" (scipy) minimize the full-batch J(θ) of :meth:`cost_and_grad`,
            `epochs` being their iteration limit (for "tnc", evaluations of J) and the
            history one entry per iteration. The full-batch optimizers ignore `lr` and take
            no `batch_size` but the whole set.
        tol : float, optional
            For the scipy optimizers: scipy's `tol` (its tolerances, all at once), on
            J(θ)/J(θ₀) — scipy sees J scaled to 1 where training starts, so that a
            tolerance means the same for any scale of J. Without it, the run stops once an
            iteration lowers J by less than 10⁻¹³ J(θ₀) or ∇J falls below 10⁻⁹ J(θ₀) entry
            by entry (see :data:`~neurograph.training.optimizers.SCIPY_DEFAULTS`).
        options : dict, optional
            The optimizer's own settings: ``mu`` (momentum); ``beta1``, ``beta2``, ``eps``
            (adam); ``eta_plus``, ``eta_minus``, ``delta_zero``, ``delta_min``,
            ``delta_max`` (rprop); scipy's options for its method, word for word (not
            ``maxiter``: `epochs` sets it). ``history.stopped`` is "converged" only when the
            optimizer says so, "stalled" when scipy could not go on (a line search that
            failed, precision lost), and ``history.message`` keeps scipy's reason.
        sparsity : (float, float), optional
            (ρ, β): the sparse autoencoder's β Σ_j KL(ρ ‖ ρ̂_j) joins J, ρ̂_j the mean of a_j
            over each batch, for the hidden neurons (or `sparsity_neurons`); see
            :mod:`neurograph.training.sparsity`.
        sparsity_neurons : sequence of int, optional
            The neurons the sparsity penalty reaches (default: every hidden neuron).
        truncate : int, optional
            For sequences: truncated BPTT, each target's error flowing back `truncate` time
            steps at most (None: full BPTT).

        Sequences (a recurrent network, one with delay edges, or X of 3 dimensions) train
        by backpropagation through time: X is (n_sequences, T, n_inputs), Y is
        (n_sequences, T, n_outputs) with a row of NaN where a time step has no target, and J
        sums ℓ over the time steps with a target and averages over the sequences (see
        :meth:`forward_sequence`). A batch is `batch_size` sequences; every optimizer works.

        Batch-normalized neurons (:meth:`add_batch_norm`) need ``batch_size`` ≥ 2 (a last
        batch of one joins the one before); γ_j and β_j train with the weights, and
        each training batch updates the running averages.

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

        After training the neurons' values are cleared (the weights changed);
        :meth:`forward` sets them again.

        Examples
        --------
        XOR needs a hidden layer (Lecture 07-2b):

        >>> import neurograph as ng
        >>> X, Y = ng.datasets.xor()
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
        >>> net.classify(X).tolist()
        [0, 1, 1, 0]
        """
        from ..training import loop
        return loop.fit(self, X, Y, lr=lr, epochs=epochs, batch_size=batch_size, loss=loss,
                        weight_decay=weight_decay, decay_bias=decay_bias, dropout=dropout,
                        shuffle=shuffle, seed=seed, validation=validation, error_tol=error_tol,
                        min_delta=min_delta, patience=patience, progress=progress,
                        engine=engine, rule=rule, optimizer=optimizer, sparsity=sparsity,
                        sparsity_neurons=sparsity_neurons, device=device, tol=tol,
                        options=options, truncate=truncate)

    def to_torch(self, dtype=None, device="cpu"):
        """The network as a ``torch.nn.Module`` computing the same function.

        ``module(X)`` gives the outputs for each row of X; its one parameter ``theta``
        is :meth:`theta` (every distinct trainable weight, a tied group once, then each
        batch norm's γ and β), so any PyTorch optimizer, ``DistributedDataParallel`` or
        device works with it; frozen weights are constant buffers, batch norm uses the
        batch's statistics in training mode (and folds them into its running averages)
        and the running ones in eval mode. Every built-in activation, aggregation, softmax,
        batch norm, tied and frozen edge is computed as the numpy engines do: equal to the
        reference engine to 1e-12 in float64 (the default dtype). :meth:`load_torch` puts
        trained weights back. Needs PyTorch (``pip install "neurograph[torch]"``).

        Examples
        --------
        >>> import neurograph as ng, torch
        >>> net = ng.Network.layered([2, 2, 1], seed=0)
        >>> module = net.to_torch()
        >>> module(torch.tensor([[3.0, 4.0]], dtype=torch.float64)).tolist() == [
        ...     net.forward([3, 4]).tolist()]
        True
        """
        from ..engines import tensor
        self._one_time_step("to_torch")
        return tensor.TorchNetwork(self.plan(), dtype=dtype, device=device)

    def load_torch(self, module):
        """Write a :meth:`to_torch` module's trained θ (and batch norms' running averages)
        back onto this network, which must have the structure the module was made from.

        Everything is checked before anything is set, as ``set_theta`` and the batch norms'
        setters check it (weights within ±1e100, finite statistics, a variance ≥ 0): a
        refused module leaves the network as it was.
        """
        from ..engines import tensor
        plan = self.plan()
        theta, statistics = tensor.module_state(module, plan)
        self.set_theta(theta)
        for (_, norm), (mean, var) in zip(plan.norms, statistics):
            norm.running_mean, norm.running_var = mean, var

    def perceptron_step(self, x, y, lr=1.0):
        """Rosenblatt's perceptron rule on one example: w_ij ← w_ij + α (y_j − a_j) a_i.

        For threshold outputs fed by inputs only (anything else is a NetworkError and
        changes nothing). Returns how many outputs were wrong before the update.

        Examples
        --------
        >>> import neurograph as ng
        >>> net = ng.Network.from_weights({(0, 3): 0.0, (1, 3): 0.0, (2, 3): 0.0},
        ...                               activation="threshold")
        >>> net.perceptron_step([1, 1], [0], lr=1.0)   # a_3 = 1 (in_3 = 0 ≥ 0), y = 0
        1
        >>> dict(net.w)
        {(0, 3): -1.0, (1, 3): -1.0, (2, 3): -1.0}
        """
        from ..training import perceptron
        plan = perceptron.check_network(self)
        x = checks.vector(x, len(plan.inputs), "x")
        y = checks.vector(y, len(plan.outputs), "y")
        lr = checks.option("lr", lr)
        wrong = perceptron.perceptron_step(plan, x, y, lr)
        self._stage = "forward"
        return wrong

    def predict(self, X, engine="auto"):
        """The output activations for each example: an array n × len(net.outputs).

        For sequences (X of shape (n, T, n_inputs), or any X of a recurrent network): an array
        (n, T, n_outputs), each sequence from the zero state (:meth:`forward_sequence`).
        The neurons keep the values they had (whichever engine runs).
        """
        from ..training import loop
        return loop.predict(self, X, engine=engine)

    def classify(self, X, engine="auto"):
        """The class of each example: the index of its highest output (Lecture 07-4c).

        With one output neuron: 1 if a ≥ 0.5, else 0. For sequences, the class at each time
        step: an array (n, T).
        """
        from ..data import classes
        outputs = self.predict(X, engine=engine)
        if outputs.ndim == 3:  # sequences: a class per time step
            n, T, k = outputs.shape
            return classes(outputs.reshape(n * T, k)).reshape(n, T)
        return classes(outputs)

    def initialize(self, method="uniform", seed=0, epsilon=0.5, value=0.0):
        """Draw fresh initial weights for every edge that is not frozen.

        `method` is "uniform" (RAND(−ε, ε)), "normal" (N(0, ε²)), "glorot"
        (Lecture 25's √(6/(n_in + n_out + 1)) heuristic), "constant" (`value`
        everywhere), or a callable ``method(i, j, rng)``; see
        :mod:`neurograph.model.init`.
        """
        initial_weights.initialize(self, method, seed=seed, epsilon=epsilon, value=value)
