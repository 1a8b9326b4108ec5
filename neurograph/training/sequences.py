"""Training and prediction on sequences: BPTT inside ``fit``, ``predict`` and ``cost_and_grad``.

Data are sequences: inputs (n, T, n_inputs) and targets (n, T, n_outputs), a target row of NaN
meaning "no target at this time step". The cost is

    J(θ) = (1/n) Σ_sequences Σ_{t with a target} ℓ(y(t), a(t))  [+ λ Σ w_ij²]

and its gradient is BPTT's (:mod:`neurograph.engines.sequence`); ``truncate=k`` lets each
target's error flow back k time steps at most. :class:`SequenceRunner` is the training loop's
runner (:mod:`neurograph.training.runners`) for sequences, so ``fit``'s loop, its stopping
conditions and every optimizer work on recurrent networks unchanged.
"""

import numpy as np

from ..engines import sequence, sequence_batch
from ..engines.sequence_unrolled import unrolled_sequence
from ..errors import NetworkError, describe
from ..model.recurrent import sequence_inputs, sequence_targets
from .runners import InPlace

__all__ = ["SequenceRunner", "is_sequence_data", "sequence_data", "check_truncate",
           "refuse_extras", "predict"]


def is_sequence_data(net, X):
    """Whether `X` is sequences (a 3-D array) or `net` is recurrent (it has delay edges):
    then fit, predict and cost_and_grad take sequences."""
    if net.delays:
        return True
    try:
        return np.ndim(X) == 3
    except ValueError:  # ragged: let the checks say so
        return False


def sequence_data(X, Y, plan, which=""):
    """(Xs, Ys) checked: (n, T, n_inputs) and (n, T, n_outputs), NaN rows allowed in Ys."""
    X = sequence_inputs(X, len(plan.inputs), f"{which}X")
    Y = sequence_targets(Y, (*X.shape[:2], len(plan.outputs)), f"{which}Y")
    return X, Y


def check_truncate(truncate):
    """None (full BPTT) or k ≥ 1 time steps."""
    if truncate is None:
        return None
    if isinstance(truncate, (bool, np.bool_)) or not isinstance(truncate, (int, np.integer)) \
            or truncate < 1:
        raise NetworkError(f"truncate must be None (full BPTT) or a whole number of time steps "
                           f"k ≥ 1; received {describe(truncate)}")
    return int(truncate)


def refuse_extras(dropout=0.0, sparsity=None, rule="gradient", engine="auto"):
    """What training on sequences does not take, refused by name."""
    if dropout:
        raise NetworkError("dropout is not defined for sequences here: train a recurrent "
                           "network with dropout=0")
    if sparsity is not None:
        raise NetworkError("the sparsity penalty is for feedforward autoencoders; sequences "
                           "take none")
    if rule != "gradient":
        raise NetworkError(f"rule={rule!r} is for one example at a time; sequences train by "
                           f"BPTT (rule='gradient')")
    if engine not in ("auto", "reference", "vectorized", "torch"):
        raise NetworkError(f"unknown engine {describe(engine)}; expected one of: 'auto', "
                           f"'reference', 'vectorized', 'torch'")


AUTO_VECTORIZED_ABOVE = 2000
"""engine="auto" runs BPTT in numpy once sequences × T × edges of a call reaches this (the
reference engine's loops, or its unrolled code, cost less below it)."""

UNROLL_FROM = 100
"""A training run unrolls BPTT for its network and T (engines/sequence_unrolled.py) where it
expects at least this many passes over one sequence each by the reference engine: Python
compiles the source in milliseconds, which they repay."""


def choose_engine(engine, plan, T, n=1):
    """The engine for n sequences of length T: "reference", "vectorized" or "torch"."""
    if engine not in ("auto", "reference", "vectorized", "torch"):
        raise NetworkError(f"unknown engine {describe(engine)} for sequences; expected one of: "
                           f"'auto', 'reference', 'vectorized', 'torch'")
    if engine == "auto":
        edges = len(plan.edges) + len(plan.delayed)
        return "vectorized" if n * T * edges >= AUTO_VECTORIZED_ABOVE else "reference"
    return engine


def run(plan, engine, X, Y, loss, truncate=None, gradient=True, device=None, unrolled=False):
    """(Σ_e Σ_t ℓ, its gradient over θ as an array or None, the outputs (n, T, outputs)) by
    `engine`, "reference" (:func:`~neurograph.engines.sequence.sequences_pass`, or with
    `unrolled` and targets the network's BPTT — or its J — written out for T,
    :func:`~neurograph.engines.sequence_unrolled.unrolled_sequence`, where it applies),
    "vectorized" (:class:`~neurograph.engines.sequence_batch.SequenceBatch`) or "torch"
    (:class:`~neurograph.engines.sequence_torch.SequenceTorch`, on `device`)."""
    seq = sequence.sequence_plan(plan)
    if engine == "torch":
        from ..engines.sequence_torch import SequenceTorch
        key = ("sequence torch", device)
        if key not in plan.kernels:
            plan.kernels[key] = SequenceTorch(sequence_batch.sequence_batch(plan, seq), device)
        return plan.kernels[key].run(plan.store.array(), X, Y, loss, truncate, gradient)
    if engine == "vectorized":
        batch = sequence_batch.sequence_batch(plan, seq)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return batch.run(plan.store.values, X, Y, loss, truncate, gradient)
    bptt = unrolled_sequence(plan, seq, X.shape[1], gradient) \
        if unrolled and truncate is None and Y is not None else None
    if bptt is not None:
        total, grad, outputs = _unrolled_pass(bptt, X, Y, loss)
        return total, grad if gradient else None, outputs
    total, grad, outputs = sequence.sequences_pass(seq, plan.store.memory, X, Y, loss, truncate,
                                                   gradient)
    return total, None if grad is None else np.asarray(grad), outputs


def _unrolled_pass(bptt, X, Y, loss):
    """What :func:`~neurograph.engines.sequence.sequences_pass` returns, sequence by sequence
    through the unrolled BPTT."""
    missing = np.isnan(Y).all(axis=2)
    total, grad, outputs = 0.0, 0.0, []
    for x, y, none in zip(X.tolist(), Y.tolist(), missing.tolist()):
        ell, g, out = bptt(x, [None if no else row for row, no in zip(y, none)], loss)
        total += ell
        grad = grad + np.array(g)
        outputs.append(out)
    return total, grad, np.array(outputs, dtype=float).reshape(*X.shape[:2], -1)


class SequenceRunner(InPlace):
    """The training loop's runner for sequences: BPTT by the reference engine, sequence by
    sequence, or in numpy over a batch of sequences, every update through the run's optimizer
    (:class:`~.runners.Stepper`)."""

    def __init__(self, net, X, Y, objective, optimizer=None, truncate=None, engine="auto",
                 device=None):
        self.plan, self.objective, self.loss = net.plan(), objective, objective.loss
        sequence.sequence_plan(self.plan)  # (refuses what sequences cannot have)
        self.engine = choose_engine(engine, self.plan, X.shape[1], len(X))
        if self.engine == "torch" and truncate is not None:
            raise NetworkError("truncated BPTT runs on engine='reference' or 'vectorized'; the "
                               "torch engine computes full BPTT")
        self.asked, self.device, self.unrolled, self.one = engine, device, False, None
        self.X, self.Y, self.optimizer, self.truncate = X, Y, optimizer, truncate
        self.outputs = None

    def expect(self, epochs):
        """A run of at least :data:`UNROLL_FROM` single sequences' passes unrolls BPTT; where
        one sequence goes to the reference engine, its rows are made lists once, for the
        unrolled function to take them as they are."""
        self.unrolled = epochs * len(self.X) >= UNROLL_FROM
        if self.unrolled and self.truncate is None and self.engine_for(1) == "reference":
            self.one = unrolled_sequence(self.plan, sequence.sequence_plan(self.plan),
                                         self.X.shape[1])
            if self.one is not None:
                missing = np.isnan(self.Y).all(axis=2).tolist()
                self.rows = [(x, [None if no else row for row, no in zip(y, none)])
                             for x, y, none in zip(self.X.tolist(), self.Y.tolist(), missing)]

    def engine_for(self, n):
        """The engine of a call on n sequences: engine="auto" chooses by its size."""
        return choose_engine(self.asked, self.plan, self.X.shape[1], n)

    def cost_and_gradient(self, indices=None, remember=False):
        if self.one is not None and indices is not None and len(indices) == 1:
            ell, grad, _ = self.one(*self.rows[indices[0]], self.loss)  # (one sequence)
            return ell, np.array(grad)
        X, Y = (self.X, self.Y) if indices is None else (self.X[indices], self.Y[indices])
        total, grad, outputs = run(self.plan, self.engine_for(len(X)), X, Y, self.loss,
                                   self.truncate, device=self.device, unrolled=self.unrolled)
        self.outputs = outputs if indices is None else None
        return total / len(X), grad / len(X)

    def update(self, indices, lr):
        self.step_theta(indices, lr)

    def theta(self):
        return self.plan.theta()

    def set_theta(self, theta):
        self.plan.set_theta(theta)

    def evaluate(self, X, Y):
        X, Y = (self.X, self.Y) if X is None else (X, Y)
        total, _, outputs = run(self.plan, self.engine_for(len(X)), X, Y, self.loss,
                                gradient=False, device=self.device, unrolled=self.unrolled)
        return total / len(X), outputs



def predict(net, X, engine="auto"):
    """The outputs (n, T, n_outputs) for sequences X (n, T, n_inputs); see
    :meth:`Network.predict`."""
    plan = net.plan()
    X = sequence_inputs(X, len(plan.inputs), "X")
    _, _, outputs = run(plan, choose_engine(engine, plan, X.shape[1], len(X)), X, None, None,
                        gradient=False)
    if not np.all(np.isfinite(outputs)):
        raise NetworkError("for these sequences the sums in_j(t) overflowed (±∞ or not a "
                           "number): the inputs or weights are too large for floating point")
    return outputs
