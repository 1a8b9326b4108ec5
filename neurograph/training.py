"""Training as seed 001 teaches it: NEURALNETTRAIN, mini-batches, full batch, and stopping.

NEURALNETTRAIN({(x_i, y_i)}; N = (V, A); α):
    while stopping conditions not met:
        create a random permutation L of {1, …, n}
        for each i in L: run BACKPROPAGATE((x_i, y_i)); for each edge: w_ij ← w_ij − α Δ_j a_i

A mini-batch B makes one update from the average (1/|B|) Σ_{e∈B} Δ_j^(e) a_i^(e)
(Lecture 07-4b); the full batch is the mini-batch of all n examples.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from . import _checks, propagation
from .activations import Activation
from .data import classes
from .errors import NetworkError, describe
from .losses import get_loss
from .vectorized import BatchRunner, compile_batch, quiet

__all__ = ["fit", "predict", "History", "ENGINES"]

ENGINES = ("auto", "reference", "vectorized")
AUTO_VECTORIZED_ABOVE = 300  # batch size × edges; where the engines cost about the same here


@dataclass
class History:
    """What happened in each epoch of :meth:`Network.fit`.

    Attributes
    ----------
    loss : list of float
        J(w) on the training set after each epoch: the mean loss over the
        examples, plus λ Σ w_ij² over the decayed edges when ``weight_decay > 0``.
    accuracy : list of float
        The share of training examples classified right, when the targets are
        classes (0/1 or one-hot); empty otherwise.
    val_loss, val_accuracy : list of float
        The mean loss and the accuracy on the validation data, when given.
    stopped : str
        "epochs" (the epoch limit), "errors" (every |y_k − a_k| below
        ``error_tol``) or "converged" (J changed by less than ``min_delta`` for
        ``patience`` epochs in a row).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    stopped: str = "epochs"

    @property
    def epochs(self):
        """How many epochs ran."""
        return len(self.loss)

    def __repr__(self):
        parts = [f"epochs={self.epochs}"]
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name}={values[-1]:.4g}")
        return f"History({', '.join(parts)}, stopped={self.stopped!r})"


def fit(net, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
        decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None, error_tol=None,
        min_delta=None, patience=1, progress=False, engine="auto"):
    """Train `net`; see :meth:`Network.fit` for the parameters."""
    plan = net._compiled()
    _check_engine(engine)
    X = _checks.matrix(X, len(plan.inputs), "X")
    Y = _checks.matrix(Y, len(plan.outputs), "Y")
    if len(X) != len(Y):
        raise NetworkError(f"X and Y must have a row per example; received {len(X)} rows of X "
                           f"and {len(Y)} of Y")
    held_out = _validation(validation, plan)
    loss = get_loss(loss)
    lr = _positive(lr, "the learning rate lr")
    epochs = _checks.neuron_id(epochs, "epochs")
    batch_size = len(X) if batch_size is None else _batch_size(batch_size)
    weight_decay = _at_least_zero(weight_decay, "weight_decay")
    dropout = _at_least_zero(dropout, "dropout")
    if dropout >= 1:
        raise NetworkError(f"dropout is the probability of dropping a hidden neuron, below 1; "
                           f"received {dropout}")
    error_tol = None if error_tol is None else _positive(error_tol, "error_tol")
    min_delta = None if min_delta is None else _at_least_zero(min_delta, "min_delta")
    patience = _batch_size(patience, "patience")
    rng = _checks.generator(seed)
    bar = _progress_bar(progress, epochs)
    chosen = choose_engine(engine, plan, batch_size)
    runner = (BatchRunner if chosen == "vectorized" else _ReferenceRunner)(
        net, X, Y, loss, dropout, rng)
    history = History()
    labels = [classes(T) if T is not None and _are_classes(T) else None
              for T in (Y, held_out[1] if held_out is not None else None)]
    before = _weights(plan), net._values()
    calm = 0
    try:
        for epoch in range(1, epochs + 1):
            start = runner.snapshot()
            order = rng.permutation(len(X)) if shuffle and batch_size < len(X) \
                else np.arange(len(X))
            for first in range(0, len(order), batch_size):
                runner.update(order[first:first + batch_size], lr, weight_decay, decay_bias)
            cost, worst, outputs = runner.evaluate(None, Y)
            if weight_decay:
                cost += weight_decay * runner.penalty(decay_bias)
            if not math.isfinite(cost):
                runner.restore(start)
                runner.finish()
                raise _diverged(epoch, cost, history)
            _record(history, cost, outputs, labels, held_out, runner)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(J=f"{cost:.4g}")
            if error_tol is not None and worst < error_tol:
                history.stopped = "errors"
                break
            if min_delta is not None and len(history.loss) > 1:
                calm = calm + 1 if abs(history.loss[-2] - cost) < min_delta else 0
                if calm >= patience:
                    history.stopped = "converged"
                    break
        runner.finish()
    except (OverflowError, FloatingPointError) as error:
        runner.restore(start)
        runner.finish()
        raise _diverged(epoch, error, history) from None
    except NetworkError as error:
        if getattr(error, "history", None) is not history:  # not a divergence: undo everything
            _set_weights(plan, before[0])
            net._restore(before[1])
        raise
    finally:
        runner.close()
        if bar is not None:
            bar.close()
    for neuron in net.neurons:  # the neurons' values are stale now: forward(x) sets them again
        neuron.reset()
    net._stage, net._last_loss = None, loss
    return history


def predict(net, X, engine="auto"):
    """The output activations for each row of X; see :meth:`Network.predict`."""
    plan = net._compiled()
    _check_engine(engine)
    X = _checks.matrix(X, len(plan.inputs), "X")
    if choose_engine(engine, plan, len(X)) == "vectorized":
        batch = compile_batch(net)
        with quiet():
            return batch.outputs_of(batch.forward(X)[1]).copy()
    outputs = np.empty((len(X), len(plan.outputs)))
    for row, x in enumerate(X.tolist()):
        propagation.forward_propagate(plan, x)
        outputs[row] = [neuron.a for neuron in plan.outputs]
    net._stage = "forward"
    return outputs


def choose_engine(engine, plan, batch):
    """The engine "auto" means: the batch engine once a batch is large enough to pay for its
    per-generation overhead (measured by scripts/bench.py), else the reference engine."""
    if engine != "auto":
        return engine
    return "vectorized" if batch * len(plan.edges) >= AUTO_VECTORIZED_ABOVE else "reference"


class _ReferenceRunner:
    """Training steps and evaluation by the reference engine, one neuron at a time."""

    def __init__(self, net, X, Y, loss, dropout, rng):
        self.plan, self.loss = net._compiled(), loss
        self.examples = list(zip(X.tolist(), Y.tolist()))
        self.dropping = _Dropout(self.plan, dropout, rng) if dropout else None

    def update(self, indices, lr, weight_decay, decay_bias):
        batch = [self.examples[e] for e in indices]
        _update(self.plan, batch, lr, self.loss, weight_decay, decay_bias, self.dropping)

    def evaluate(self, X, Y):
        examples = self.examples if X is None else list(zip(X.tolist(), Y.tolist()))
        return _evaluate(self.plan, examples, self.loss)

    def penalty(self, decay_bias):
        decayed = self.plan.weights + self.plan.biases if decay_bias else self.plan.weights
        return sum(edge["weight"] ** 2 for edge in decayed)

    def snapshot(self):
        return _weights(self.plan)

    def restore(self, weights):
        _set_weights(self.plan, weights)

    def finish(self):
        """The weights are on the edges already."""

    def close(self):
        if self.dropping is not None:
            self.dropping.restore()


# ------------------------------------------------------------------ one update


def _update(plan, batch, lr, loss, weight_decay, decay_bias, dropping):
    """One gradient descent update from a mini-batch (one example: plain SGD)."""
    if len(batch) == 1:
        x, y = batch[0]
        _backpropagate(plan, x, y, loss, dropping)
    else:
        # ∂J/∂w_ij = (1/|B|) Σ_{e∈B} Δ_j^(e) a_i^(e)
        total = [0.0] * len(plan.edges)
        for x, y in batch:
            _backpropagate(plan, x, y, loss, dropping)
            total = [t + edge["grad"] for t, (_, edge, _) in zip(total, plan.edges)]
        for t, (_, edge, _) in zip(total, plan.edges):
            edge["grad"] = t / len(batch)
    propagation.gradient_step(plan, lr, weight_decay, decay_bias)


def _backpropagate(plan, x, y, loss, dropping):
    if dropping is not None:
        dropping.draw()
    propagation.forward_propagate(plan, x)
    propagation.back_propagate(plan, y, loss)
    if dropping is not None:
        dropping.restore()


class _Dropout:
    """Drop each hidden neuron with probability p for one example; scale survivors by 1/(1 − p).

    Seed 001 (Lecture 07-5a). Done by swapping activations for the example: a
    dropped neuron's g and g′ become 0 and a survivor's s·g and s·g′ with
    s = 1/(1 − p), so a_j = s g(in_j) and Δ_j = s g′(in_j) Σ_k w_jk Δ_k, and the
    reference engine itself is unchanged.
    """

    DROPPED = Activation("dropped", g=lambda z: 0.0 * z, dg=lambda z: 0.0 * z)

    def __init__(self, plan, rate, rng):
        self.rate, self.rng = rate, rng
        self.neurons = [neuron for neuron, _ in plan.forward if neuron.kind == "hidden"]
        self.original = [neuron._activation for neuron in self.neurons]
        scale = 1.0 / (1.0 - rate)
        self.kept = [_scaled(g, scale) for g in self.original]

    def draw(self):
        keep = (self.rng.random(len(self.neurons)) >= self.rate).tolist()
        for neuron, kept, on in zip(self.neurons, self.kept, keep):
            neuron._activation = kept if on else self.DROPPED

    def restore(self):
        for neuron, g in zip(self.neurons, self.original):
            neuron._activation = g


def _scaled(activation, scale):
    return Activation(f"{activation.name}×{scale:g}", g=lambda z: scale * activation.g(z),
                      dg=lambda z: scale * activation.dg(z))


# ---------------------------------------------------------------- bookkeeping


def _evaluate(plan, examples, loss):
    """Mean ℓ over the examples, the largest |y_k − a_k|, and every output row."""
    total, worst, outputs = 0.0, 0.0, []
    for x, y in examples:
        propagation.forward_propagate(plan, x)
        total += propagation.output_loss(plan, y, loss)
        a = [neuron.a for neuron in plan.outputs]
        worst = max(worst, *(abs(y_k - a_k) for y_k, a_k in zip(y, a)))
        outputs.append(a)
    return total / len(examples), worst, np.array(outputs)


def _record(history, cost, outputs, labels, held_out, runner):
    """Append this epoch's cost, and accuracies where `labels` (classes, or None) allow."""
    history.loss.append(cost)
    if labels[0] is not None:
        history.accuracy.append(float(np.mean(classes(outputs) == labels[0])))
    if held_out is not None:
        cost, _, outputs = runner.evaluate(*held_out)
        history.val_loss.append(cost)
        if labels[1] is not None:
            history.val_accuracy.append(float(np.mean(classes(outputs) == labels[1])))


def _are_classes(Y):
    """0/1 targets: one column of 0s and 1s, or one-hot rows."""
    binary = np.isin(Y, (0.0, 1.0)).all()
    return bool(binary and (Y.shape[1] == 1 or (Y.sum(axis=1) == 1).all()))


def _weights(plan):
    return [edge["weight"] for _, edge, _ in plan.edges]


def _set_weights(plan, weights):
    for (_, edge, _), w_ij in zip(plan.edges, weights):
        edge["weight"] = w_ij


def _diverged(epoch, cost, history):
    error = NetworkError(
        f"training diverged in epoch {epoch}: J(w) = {cost}; the network keeps the weights it "
        f"had before that epoch (try a smaller learning rate)")
    error.history = history
    return error


# ------------------------------------------------------------------- checking


def _check_engine(engine):
    if engine not in ENGINES:
        raise NetworkError(f"unknown engine {describe(engine)}; expected one of: "
                           f"{', '.join(map(repr, ENGINES))}")


def _validation(validation, plan):
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise NetworkError(f"validation must be a pair (X_val, Y_val); "
                           f"received {describe(validation)}")
    X = _checks.matrix(validation[0], len(plan.inputs), "the validation X")
    Y = _checks.matrix(validation[1], len(plan.outputs), "the validation Y")
    if len(X) != len(Y):
        raise NetworkError(f"the validation X and Y must have a row per example; received "
                           f"{len(X)} and {len(Y)} rows")
    return X, Y


def _positive(value, what):
    value = _checks.weight(value, what)
    if value <= 0:
        raise NetworkError(f"{what} must be positive; received {value}")
    return value


def _at_least_zero(value, what):
    value = _checks.weight(value, what)
    if value < 0:
        raise NetworkError(f"{what} must be ≥ 0; received {value}")
    return value


def _batch_size(value, what="batch_size"):
    value = _checks.neuron_id(value, what)
    if value < 1:
        raise NetworkError(f"{what} must be at least 1; received {value}")
    return value


def _progress_bar(progress, epochs):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError('progress=True needs tqdm: pip install "neurograph[progress]"') from None
    return tqdm(total=epochs, desc="training", unit="epoch")
