"""Training as Lecture 07 teaches it: NEURALNETTRAIN, mini-batches, full batch, and stopping.

NEURALNETTRAIN({(x_i, y_i)}; N = (V, A); α):
    while stopping conditions not met:
        create a random permutation L of {1, …, n}
        for each i in L: run BACKPROPAGATE((x_i, y_i)); for each edge: w_ij ← w_ij − α Δ_j a_i

A mini-batch B makes one update from the average (1/|B|) Σ_{e∈B} Δ_j^(e) a_i^(e)
(Lecture 07-4b); the full batch is the mini-batch of all n examples. :func:`fit` is
that loop; the engine that runs each update is a :class:`~.runners.Runner`.
"""

import functools
import math
import warnings

import numpy as np

from .. import checks
from ..engines import batch, reference
from ..engines.unrolled import unrolled_step
from ..errors import DivergedError, NetworkError, describe
from ..model.losses import get_loss
from ..model.propagation import first_overflow, overflow_message
from . import optimizers, perceptron, sequences
from .history import History, labels_of
from .objective import Objective
from .sparsity import sparsity_of
from .runners import RUNNERS, batches

__all__ = ["fit", "predict", "batches", "choose_engine", "check_engine", "examples", "ENGINES",
           "WEIGHT_LIMIT", "diverged_error", "overflow_or"]

ENGINES = ("auto", "reference", "vectorized")
FIT_ENGINES = (*ENGINES, "torch")
"""fit also trains on PyTorch tensors (any device): engine="torch"."""
WEIGHT_LIMIT = reference.WEIGHT_LIMIT
"""Training has diverged once a weight leaves ±WEIGHT_LIMIT, even while J(w) stays finite (a
saturated logistic network's J can sit still while its weights explode)."""
AUTO_VECTORIZED_ABOVE = 300  # batch size × edges; where the engines cost about the same here


RULES = ("gradient", "perceptron")


def fit(net, X, Y, lr=0.5, epochs=100, batch_size=1, loss="squared", weight_decay=0.0,
        decay_bias=True, dropout=0.0, shuffle=True, seed=0, validation=None, error_tol=None,
        min_delta=None, patience=1, progress=False, engine="auto", rule="gradient",
        optimizer="sgd", sparsity=None, sparsity_neurons=None, device=None, tol=None,
        options=None, truncate=None):
    """Train `net`; see :meth:`Network.fit` for the parameters."""
    if rule not in RULES:
        raise NetworkError(f"unknown rule {describe(rule)}; expected one of: "
                           f"{', '.join(map(repr, RULES))}")
    optimizer = optimizers.check_optimizer(optimizer)
    if rule == "perceptron" and optimizer != "sgd":
        raise NetworkError(f"the perceptron rule is its own update; it takes no optimizer "
                           f"(received optimizer={optimizer!r})")
    plan = net.plan()
    engine = check_engine(engine, FIT_ENGINES)
    if device is not None and engine != "torch":
        raise NetworkError(f"device={describe(device)} is for engine='torch'")
    in_time = sequences.is_sequence_data(net, X)  # sequences: BPTT (training/sequences.py)
    if in_time:
        sequences.refuse_extras(dropout, sparsity, rule, engine)
        truncate = sequences.check_truncate(truncate)
        X, Y = sequences.sequence_data(X, Y, plan)
        if validation is not None and (not isinstance(validation, (tuple, list))
                                       or len(validation) != 2):
            raise NetworkError(f"validation must be a pair (X_val, Y_val); "
                               f"received {describe(validation)}")
        held_out = None if validation is None else (
            *sequences.sequence_data(*validation, plan, "the validation "), None)
    else:
        if truncate is not None:
            raise NetworkError(f"truncate is truncated BPTT, for sequences (X of shape "
                               f"(n, T, n_inputs)); received truncate={describe(truncate)} with "
                               f"X of {np.ndim(X)} dimensions")
        X, Y = examples(X, Y, plan, "")
        held_out = None if validation is None else _validation(validation, plan)
    loss = get_loss(loss)
    lr, epochs = checks.option("lr", lr), checks.option("epochs", epochs)
    batch_size = len(X) if batch_size is None else checks.option("batch_size", batch_size)
    weight_decay = checks.option("weight_decay", weight_decay)
    dropout = checks.option("dropout", dropout)
    error_tol = None if error_tol is None else checks.option("error_tol", error_tol)
    min_delta = None if min_delta is None else checks.option("min_delta", min_delta)
    patience = checks.option("patience", patience)
    decay_bias, shuffle = checks.flag(decay_bias, "decay_bias"), checks.flag(shuffle, "shuffle")
    progress = checks.flag(progress, "progress")
    rng = checks.generator(seed)
    objective = Objective(plan, loss, weight_decay, decay_bias,
                          sparsity_of(net, sparsity, sparsity_neurons))
    sparse = objective.sparsity
    if sparse is not None and rule == "perceptron":
        raise NetworkError("the perceptron rule takes no sparsity penalty")
    scipy_method = optimizers.SCIPY_METHODS.get(optimizer)
    if tol is not None:
        if scipy_method is None:
            raise NetworkError(f"tol is scipy's tolerance, for optimizer='lbfgs', 'cg', 'bfgs' "
                               f"or 'tnc'; received tol={describe(tol)} with "
                               f"optimizer={optimizer!r}")
        tol = checks.option("tol", tol)
    if optimizer in optimizers.FULL_BATCH:
        if batch_size not in (1, len(X)):  # (1, fit's default, is not a choice here)
            raise NetworkError(f"optimizer={optimizer!r} works on the whole training set at "
                               f"once; received batch_size={batch_size} of {len(X)} examples "
                               f"(leave batch_size out, or use 'sgd', 'momentum' or 'adam' for "
                               f"mini-batches)")
        batch_size = len(X)
    full_batch = scipy_method is not None
    if plan.norms:
        _check_batch_norm(plan, batch_size, len(X), dropout)
    if optimizer in optimizers.FULL_BATCH and dropout:
        raise NetworkError(f"optimizer={optimizer!r} minimizes one fixed J(θ); dropout draws a "
                           f"different network each time: use optimizer='sgd', 'momentum' or "
                           f"'adam' with dropout")
    if full_batch and not plan.size:  # (the stepping optimizers' epochs leave θ as it is)
        raise NetworkError(f"optimizer={optimizer!r} minimizes J(θ) over the trainable weights, "
                           f"and there are none: every weight is frozen (unfreeze one with "
                           f"net.unfreeze(i, j))")
    if rule == "perceptron":
        perceptron.check_network(net)  # before anything changes
        bar = _progress_bar(progress, epochs)
        try:
            return perceptron.train(net, X, Y, lr, epochs, shuffle, rng, bar)
        finally:
            if bar is not None:
                bar.close()
    minimize = optimizers.scipy_minimize() if full_batch else None  # scipy there, or say so
    if full_batch:
        options = optimizers.scipy_options(scipy_method, options, tol, epochs)
        stepper = None
    else:
        stepper = optimizers.make_optimizer(optimizer, options)
    bar = _progress_bar(progress, epochs)
    if in_time:
        runner = sequences.SequenceRunner(net, X, Y, objective, stepper, truncate, engine,
                                          device)
    else:
        runner = RUNNERS[choose_engine(engine, plan, batch_size)](
            net, X, Y, objective, dropout, rng, stepper,
            **({} if engine != "torch" else {"device": device}))
    history, labels = History(), None if in_time else labels_of(Y)
    runner.expect(epochs)
    before, calm = (runner.snapshot(), net.values()), 0
    if full_batch:
        if tol is not None:
            minimize = functools.partial(minimize, tol=tol)
        return _fit_scipy(net, runner, minimize, scipy_method, X, Y, epochs, objective, history,
                          labels, held_out, error_tol, min_delta, patience, bar, options)
    at_once = runner.epochs_at_once(batch_size) and bar is None and held_out is None
    epoch, own_way = 0, False  # own_way: the next epoch is run below, one step at a time
    try:
        # while stopping conditions not met:
        while epoch < epochs:
            if at_once and not own_way:  # many epochs, each as below, in one compiled call
                ran, own_way, calm = _epochs_at_once(runner, rng, shuffle, len(X),
                                                     epochs - epoch, lr, history, labels,
                                                     error_tol, min_delta, patience, calm)
                epoch += ran
                if history.stopped != "epochs":
                    break
                continue
            epoch, own_way = epoch + 1, False
            start = runner.snapshot()
            # create a random permutation L of {1, …, n} (mini-batches: consecutive runs of L)
            order = rng.permutation(len(X)) if shuffle and batch_size < len(X) \
                else np.arange(len(X))
            # for each i in L: BACKPROPAGATE((x_i, y_i)), then w_ij ← w_ij − α Δ_j a_i
            runner.epoch(order, batch_size, lr)
            # J(w) on the training set, with the weight decay term λ Σ w_ij²
            cost, outputs = runner.evaluate(None, Y)
            if objective.weight_decay:
                cost += objective.penalty(runner.theta())
            if not math.isfinite(cost) or not runner.largest_weight() <= WEIGHT_LIMIT:
                runner.restore(start)
                raise diverged_error(epoch, history)
            history.record(cost, outputs, labels, _held_out(runner, held_out))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(J=f"{cost:.4g}")
            # the stopping conditions
            calm = calm + 1 if (min_delta is not None and len(history.loss) > 1
                                and abs(history.loss[-2] - cost) < min_delta) else 0
            if error_tol is not None and _largest_error(Y, outputs) < error_tol:
                history.stopped = "errors"
            elif min_delta is not None and calm >= patience:
                history.stopped = "converged"
            if history.stopped != "epochs":
                break
    except (OverflowError, FloatingPointError):
        runner.restore(start)
        diverged = diverged_error(epoch, history)
    except DivergedError as error:  # an update step refused to leave the numbers
        if getattr(error, "history", None) is not history:
            runner.restore(start)
            error = diverged_error(epoch, history)
        diverged = error
    except NetworkError as error:
        if getattr(error, "history", None) is not history:  # not a divergence: undo everything
            runner.restore(before[0])
            runner.finish()
            net.restore_values(before[1])
            raise
        diverged = error
    else:
        diverged = None
    finally:
        runner.close()
        if bar is not None:
            bar.close()
    runner.finish()  # on the edges: the trained weights, or those from before a divergence
    net.clear_values()  # the weights changed: forward(x) sets the neurons' values again
    if diverged is not None:
        raise overflow_or(diverged, net, X)
    return history


EPOCHS_AT_ONCE = 1 << 16
"""Examples (epochs × n) per call of the compiled epochs: the permutations drawn ahead."""


def _epochs_at_once(runner, rng, shuffle, n, most, lr, history, labels, error_tol, min_delta,
                    patience, calm):
    """Up to `most` epochs of per-example SGD in one compiled call (ReferenceRunner.train),
    recorded in `history` as the loop above records them: the orders L are drawn ahead as a
    block of permutations (the same numbers rng.permutation(n) gives epoch by epoch), and
    the generator is wound back to where the epochs that ran leave it. Returns (epochs
    recorded, whether the next epoch is the loop's to run one step at a time — it refused
    a step or reached a J that is not finite —, calm)."""
    count = min(most, max(1, EPOCHS_AT_ONCE // n))
    rows = np.tile(np.arange(n), (count, 1))
    state = rng.bit_generator.state
    orders = rng.permuted(rows, axis=1) if shuffle and n > 1 else rows
    previous = history.loss[-1] if history.loss else math.nan
    costs, accuracies, stopped, calm = runner.train(orders, lr, labels, error_tol, min_delta,
                                                    patience, previous, calm)
    if len(costs) < count and shuffle and n > 1:  # the permutations of the epochs run only
        rng.bit_generator.state = state
        rng.permuted(rows[:len(costs)], axis=1)
    history.loss += costs
    if accuracies is not None:
        history.accuracy += accuracies
    if stopped is not None:
        history.stopped = stopped
    return len(costs), stopped is None and len(costs) < count, calm


def _check_batch_norm(plan, batch_size, n, dropout):
    """Batch normalization trains on mini-batches of at least two examples, without dropout."""
    ids = [neuron.id for neuron, _ in plan.norms]
    if batch_size < 2 or n < 2:
        raise NetworkError(f"neurons {ids} are batch-normalized: training needs mini-batches of "
                           f"at least 2 examples (μ_B and σ_B² are taken over the batch); "
                           f"received batch_size={batch_size} with {n} example(s)")
    if dropout:
        raise NetworkError(f"neurons {ids} are batch-normalized: dropout and batch "
                           f"normalization together are not supported; use one of them")


class _Stop(Exception):
    """A stopping condition of fit's own (error_tol, min_delta) met inside scipy's loop."""

    def __init__(self, x):
        super().__init__()
        self.x = x


def _fit_scipy(net, runner, minimize, method, X, Y, epochs, objective, history, labels,
               held_out, error_tol, min_delta, patience, bar, options):
    """L-BFGS, CG, BFGS or TNC on the full-batch J(θ): one history entry per iteration.

    Scipy minimizes J(θ)/J(θ₀), so that its tolerances (``options``, scipy's own, with
    :data:`~.optimizers.SCIPY_DEFAULTS`) mean the same for any scale of J. A point where J or
    ∇J is not finite is J = ∞ to scipy (its line search steps back from it); at the start,
    where nothing can be minimized, the run is refused, in forward's words when an example's
    sums overflow (:func:`overflow_or`).
    """
    start, values = runner.theta(), net.values()  # (the neurons' values, for a refused start)
    norms = bool(net.plan().norms)
    last = {}  # the last point J(θ) was computed at: θ, J, ∇J and the outputs
    full_batch = runner.full_batch()  # (J, ∇J and the outputs in one call, where it has one)

    def evaluate(theta):
        known = last.get("theta")
        if known is not None and known.shape == theta.shape and (known == theta).all():
            return last["cost"], last["grad"]
        if full_batch is None:
            runner.set_theta(theta)
            cost, grad = runner.cost_and_gradient()
            outputs = runner.outputs
        else:
            cost, grad, outputs = full_batch(theta)
        cost, grad = objective.with_penalty(cost, grad, theta)
        last.update(theta=theta.copy(), cost=cost, grad=grad, outputs=outputs)
        return cost, grad

    try:
        start_cost, start_grad = evaluate(start)
    except BaseException:
        runner.set_theta(start)
        runner.close()
        net.restore_values(values)
        raise
    if not (math.isfinite(start_cost) and np.all(np.isfinite(start_grad))):
        runner.set_theta(start)
        runner.close()
        net.restore_values(values)
        what = (f"J(θ) = {start_cost}" if not math.isfinite(start_cost)
                else f"∇J(θ) is not finite (J(θ) = {start_cost:g})")
        raise overflow_or(NetworkError(
            f"{what} at the weights training starts from: {method} needs a finite J to start "
            f"(scale the inputs, or start from smaller weights)"), net, X)
    scale = start_cost if start_cost > 0.0 else 1.0

    def scaled_cost_and_grad(theta):
        cost, grad = evaluate(theta)
        if not (math.isfinite(cost) and np.isfinite(grad).all()):
            return math.inf, np.zeros_like(theta)
        return cost / scale, grad / scale

    calm = [0]
    counts_itself = optimizers.SCIPY_ITERATIONS[method] is None  # TNC: no iteration limit

    def after_iteration(result):
        x = getattr(result, "x", result)  # TNC passes θ itself
        cost, _ = evaluate(x)  # (the runner's θ is x now)
        outputs = last["outputs"]
        if norms:  # the running averages follow the full batch's statistics
            runner.cost_and_gradient(remember=True)
            last.clear()
        if norms or (outputs is None and (labels is not None or error_tol is not None)):
            cost, outputs = runner.evaluate(None, Y)
            cost += objective.penalty(runner.theta())
        history.record(cost, outputs, labels, _held_out(runner, held_out))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(J=f"{cost:.4g}")
        calm[0] = calm[0] + 1 if (min_delta is not None and len(history.loss) > 1
                                  and abs(history.loss[-2] - cost) < min_delta) else 0
        if error_tol is not None and _largest_error(Y, outputs) < error_tol:
            history.stopped = "errors"
        elif min_delta is not None and calm[0] >= patience:
            history.stopped = "converged"
        if history.stopped != "epochs" or (counts_itself and len(history.loss) >= epochs):
            raise _Stop(x.copy())

    try:
        with warnings.catch_warnings(), optimizers.one_scipy_blas_thread():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.filterwarnings("error", message="Unknown solver options")
            try:
                result = minimize(scaled_cost_and_grad, start, jac=True, method=method,
                                  callback=after_iteration, options=options)
            except Warning as unknown:  # before scipy's first step: nothing has changed
                raise NetworkError(f"scipy's {method} does not know an option given: "
                                   f"{unknown} (its options: scipy.optimize.show_options("
                                   f"'minimize', {method!r}))") from None
            except _Stop as stop:
                final = stop.x
                history.message = ("fit's epoch limit" if history.stopped == "epochs" else
                                   f"fit's own stopping condition: {history.stopped}")
            else:
                final = result.x
                history.message = str(result.message)
                if result.success:
                    history.stopped = "converged"
                elif result.status != optimizers.SCIPY_LIMIT_STATUS[method]:
                    history.stopped = "stalled"
        if history.loss and not math.isfinite(history.loss[-1]):
            raise diverged_error(len(history.loss), history)
    except BaseException as error:
        runner.set_theta(start)
        runner.finish()
        net.clear_values()
        if isinstance(error, DivergedError):
            raise overflow_or(error, net, X) from None
        raise
    finally:
        runner.close()
        if bar is not None:
            bar.close()
    runner.set_theta(final)
    runner.finish()
    net.clear_values()
    return history


def overflow_or(diverged, net, X):
    """What to raise for a run that diverged: forward's own refusal (an example whose sums
    in_j overflow, :func:`predict`) when an example overflows at the weights the network kept,
    since then the examples are too large, not the learning rate; else `diverged`."""
    try:
        predict(net, X)
    except NetworkError as overflow:
        return overflow
    return diverged


def predict(net, X, engine="auto"):
    """The output activations for each row of X; see :meth:`Network.predict`.

    Whichever engine runs, the neurons keep the values they had.
    """
    plan = net.plan()
    if sequences.is_sequence_data(net, X):  # (every engine, the torch one included)
        return sequences.predict(net, X, engine)
    engine = check_engine(engine)
    X = checks.matrix(X, len(plan.inputs), "X")
    if choose_engine(engine, plan, len(X)) == "vectorized":
        engine = batch.compile_batch(net)
        with batch.quiet():
            IN, A = engine.forward(X)
        overflow = engine.first_overflow(IN)
        if overflow is not None:
            row, j = overflow
            raise NetworkError(overflow_message(X[row].tolist(), j))
        return engine.outputs_of(A).copy()
    saved = net.values()
    outputs = np.empty((len(X), len(plan.outputs)))
    try:
        for row, x in enumerate(X.tolist()):
            reference.forward_propagate(plan, x)
            overflowed = first_overflow(plan)
            if overflowed is not None:
                raise NetworkError(overflow_message(x, overflowed))
            outputs[row] = [neuron.a for neuron in plan.outputs]
    finally:
        net.restore_values(saved)
    return outputs


def choose_engine(engine, plan, batch_size):
    """The engine "auto" means: the batch engine once a batch is large enough to pay for its
    per-generation overhead (measured by scripts/bench.py), else the reference engine — and
    for one example at a time the reference engine's step wherever it is written out for
    the network (engines/unrolled.py, compiled for long runs), which costs less than a
    numpy call per generation."""
    if engine != "auto":
        return engine
    if batch_size == 1 and unrolled_step(plan) is not None:
        return "reference"
    return "vectorized" if batch_size * len(plan.edges) >= AUTO_VECTORIZED_ABOVE else "reference"


def _held_out(runner, held_out):
    if held_out is None:
        return None
    X, Y, labels = held_out
    cost, outputs = runner.evaluate(X, Y)
    return cost, outputs, labels


def _largest_error(Y, outputs):
    """max |y_k − a_k| over every example and output (NaN counts as large; a sequence's
    time step without a target, a NaN row of Y, counts for nothing)."""
    errors = np.abs(Y - outputs)
    if Y.ndim == 3:
        errors = errors[~np.isnan(Y).all(axis=-1)]
    return float(np.max(errors, initial=0.0))


def diverged_error(epoch, history):
    """One error for a divergence however it showed (J not finite, a weight beyond the limit,
    a refused step): the engines, and an RBM's contrastive divergence, notice it differently,
    and must say the same. `history` (its ``stopped`` set to "diverged") rides along."""
    history.stopped = "diverged"
    error = DivergedError(
        f"training diverged in epoch {epoch}: J(w) or a weight left the finite numbers "
        f"(weights stay within ±{WEIGHT_LIMIT:g}); the network keeps the weights it had before "
        f"that epoch (try a smaller learning rate)")
    error.history = history
    return error


def check_engine(engine, engines=ENGINES):
    if engine not in engines:
        raise NetworkError(f"unknown engine {describe(engine)}; expected one of: "
                           f"{', '.join(map(repr, engines))}")
    return engine


def examples(X, Y, plan, which=""):
    X = checks.matrix(X, len(plan.inputs), f"{which}X")
    Y = checks.matrix(Y, len(plan.outputs), f"{which}Y")
    if len(X) != len(Y):
        raise NetworkError(f"{which}X and {which}Y must have a row per example; received "
                           f"{len(X)} rows of X and {len(Y)} of Y")
    return X, Y


def _validation(validation, plan):
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise NetworkError(f"validation must be a pair (X_val, Y_val); "
                           f"received {describe(validation)}")
    X, Y = examples(*validation, plan, "the validation ")
    return X, Y, labels_of(Y)


def _progress_bar(progress, epochs):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError('progress=True needs tqdm: pip install "neurograph[progress]"') from None
    return tqdm(total=epochs, desc="training", unit="epoch")
