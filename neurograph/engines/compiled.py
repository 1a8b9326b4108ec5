"""NEURALNETTRAIN's inner loop, compiled to machine code by numba.

A whole epoch of per-example SGD (every example of an order in turn: FORWARDPROPAGATE,
BACKPROPAGATE, the update) and the evaluation of J on the training set, as loops over
arrays that describe the network (:class:`Program`: each neuron's incoming and outgoing
edges as (neuron, slot in θ) pairs, in the reference engine's order), reading and writing
the network's own θ in place; and many epochs in one call (``train``), each followed by J,
the accuracy and fit's stopping rules, so that nothing between two epochs returns to Python
(the per-example orders are drawn ahead by ``fit``). Each activation's g and g′ come from
its ``kernel`` expressions and a quadratic loss from its constant c; numba compiles the
code once for each set of activations (seconds), whatever the network's size, and keeps
the machine code in its cache folder for the processes after (:func:`cache_folder`).
What makes it fast: the index arrays are unsigned (numba then loads through them without a
test for Python's negative indices), g and g′ are inlined where they are called, and J's pass
over the training set after each epoch runs :data:`LANES` examples side by side, each
example's sums in the one-example order (so the same numbers), loading each weight and
index once for all of them.

The numbers are the reference engine's: the same operations in the same order (numba's
``exp``, ``tanh`` and ``log1p`` may differ from Python's in the last place, so the tests
hold the two to 1e-12 relative on random non-layered DAGs; on the lectures' networks they
agree to the bit). A step that would take a weight beyond ±1e100 or make it NaN is undone
and stops the epoch, and the reference engine's step (:mod:`neurograph.engines.unrolled`
where it is written out) then repeats it, so the refusal is the reference engine's own.
The full-batch optimizers (L-BFGS, CG, BFGS, TNC, and mini-batch momentum or Adam) take J
and ∇J from ``gradient``, the same passes summed over the examples.

It applies to plain networks (sum neurons, no ties, batch norm or softmax group) of any
size whose activations carry ``kernel`` forms, with a quadratic loss (squared,
half-squared), where numba is installed — a default install on the usual platforms;
elsewhere training takes the reference engine's loop, with the same numbers. ``fit`` uses
it for runs long enough to repay compiling or loading it (:func:`worth_compiling`).
"""

import functools
import hashlib
import importlib.util
import math
import os
import sys
import tempfile
import types
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from .reference import WEIGHT_LIMIT, descent_source

__all__ = ["compiled_kernels", "available", "worth_compiling", "cache_folder", "COMPILE_ABOVE",
           "EPOCH_COST",
           "CACHED_ABOVE", "LOADED_ABOVE"]

COMPILE_ABOVE = 10_000_000
"""fit compiles when epochs × examples × edges reaches this and the kernels for the network's
activations are in neither this process nor numba's cache: the unrolled step and J cost
about half a microsecond per edge and example, so about five seconds of training, against
5 to 20 seconds to compile (once per machine and set of activations; numba keeps the
result, :func:`cache_folder`)."""

CACHED_ABOVE = 1_000_000
"""… from this when numba's cache holds them: loading them, numba's start-up included,
costs about 1 to 2 seconds in a fresh process (measured on this project's busy 2-core
machine), about as much as this much work of the pure loop."""

EPOCH_COST = 50
"""What one epoch of the pure loop costs besides its examples' passes (J's evaluation, the
history, the checks: about 25 µs), in the units of work (an edge for an example)."""

LOADED_ABOVE = 2_000
"""… and from this when this process has them already: then only the network's arrays are
made (a fraction of a millisecond for the lectures' networks), about 1 ms of the pure
loop."""


def worth_compiling(plan, loss, work, known=()):
    """Whether fit compiles per-example SGD, J and ∇J for `plan` and `loss` for a run of
    `work` = epochs × (examples × edges + :data:`EPOCH_COST`) (at most), where the kernels
    apply: from
    :data:`LOADED_ABOVE` when this process has the kernels for its activations (with
    `known`, see :func:`compiled_kernels`, or alone); else once `work` and the work this process has
    already trained without them reach :data:`CACHED_ABOVE` where numba's cache has them
    (either),
    :data:`COMPILE_ABOVE` where it has not. (A process that trains many small networks,
    as ``evolve`` does, so pays for the kernels once it has spent about as much without
    them: never more than twice the better choice made knowing the future.)

    Examples
    --------
    >>> import neurograph as ng
    >>> from neurograph.engines import compiled
    >>> net = ng.Network.layered([2, 2, 1], seed=0)
    >>> compiled.worth_compiling(net.plan(), ng.get_loss("log"), 10 ** 9)  # not quadratic
    False
    >>> small = compiled.worth_compiling(net.plan(), ng.get_loss("squared"), 10)
    >>> small  # far too little work to pay for them
    False
    """
    if not available() or not _applies(plan, loss):
        return False
    source = _source(_kernel_set(plan, known), loss.quadratic)
    own = _source(_kernel_set(plan), loss.quadratic)
    if source in _LOADED or own in _LOADED:
        return work >= LOADED_ABOVE
    spent = _SPENT.get(source, 0) + work
    if spent >= COMPILE_ABOVE or (spent >= CACHED_ABOVE and (_cached(source) or _cached(own))):
        return True
    _SPENT[source] = spent
    return False


_SPENT = {}  # source: the work trained without those kernels in this process


@functools.cache
def _numba():
    try:
        import numba
    except ImportError:
        return None
    return numba


def available():
    """Whether numba can be imported here."""
    return _numba() is not None


def _applies(plan, loss):
    return (not plan.norms and not plan.group and plan.plain and loss.quadratic > 0.0
            and loss.check is None
            and all(row[3] is None and row[1].kernel for row in plan.forward))


class Program:
    """A plan as the arrays the kernels walk: each processing neuron j in topological order
    (its place p), its incoming edges (source place, slot in θ) from ``in_start[p]`` to
    ``in_start[p + 1]``, its outgoing ones (target place, slot) likewise, its activation's
    code in the kernels' table, its index in y (or −1); the trainable edges as the update
    visits them (source place, target place, slot, whether a bias edge); the place of each
    output a_k."""

    def __init__(self, plan, codes):
        order = [plan.bias, *plan.inputs] + [row[0] for row in plan.forward]
        place = {neuron: p for p, neuron in enumerate(order)}
        first = 1 + len(plan.inputs)  # the first processing neuron's place
        backward = {row[0]: row for row in plan.backward_steps}
        incoming, outgoing, starts, ends = [], [], [0], [0]
        for neuron_j, _, sources, _, _ in plan.forward_steps:
            incoming += [(place[neuron_i], ij) for neuron_i, ij in sources]
            outgoing += [(place[neuron_k], jk) for jk, neuron_k in backward[neuron_j][2]]
            starts.append(len(incoming))
            ends.append(len(outgoing))
        # the indices as unsigned integers: numba then indexes with them as they are, with
        # no test for a negative index (Python's a[-1]) at every load
        index = lambda rows: np.array(rows, dtype=np.uint64)  # noqa: E731
        columns = lambda rows, width: index(rows).reshape(-1, width).T  # noqa: E731
        self.first, self.size = first, len(order)
        self.in_start, (self.in_from, self.in_slot) = index(starts), columns(incoming, 2)
        self.out_start, (self.out_to, self.out_slot) = index(ends), columns(outgoing, 2)
        self.codes = np.array([codes[row[1].kernel] for row in plan.forward_steps])
        y_index = {row[0]: row[4] for row in plan.backward_steps}
        self.k = np.array([-1 if y_index[row[0]] is None else y_index[row[0]]
                           for row in plan.forward_steps], dtype=np.int64)
        out_place = np.empty(len(plan.outputs), dtype=np.uint64)  # output m's place
        for p, k in enumerate(self.k):
            if k >= 0:
                out_place[k] = first + p
        self.out_place = out_place
        updates = [(place[n_i], place[n_j], ij, n_i is plan.bias)
                   for edges in (plan.weights, plan.biases) for n_i, ij, n_j in edges]
        self.up_from, self.up_to, self.up_slot, bias = columns(updates, 4)
        self.up_bias = bias.astype(np.bool_)

    def arrays(self):
        """The arrays in the order the kernels take them."""
        return tuple(np.ascontiguousarray(values) if isinstance(values, np.ndarray) else values
                     for values in (self.first, self.size, self.in_start, self.in_from,
                                    self.in_slot, self.out_start, self.out_to, self.out_slot,
                                    self.codes, self.k, self.up_from, self.up_to,
                                    self.up_slot, self.up_bias, self.out_place))


class Kernels(NamedTuple):
    """What :func:`compiled_kernels` makes for one plan and loss."""

    epoch: Callable
    evaluate: Callable
    gradient: Callable
    train: Callable


def compiled_kernels(plan, loss, known=(), work=0):
    """(epoch, evaluate, gradient, train) for `plan` and `loss`, or None where they do not
    apply. `known`: (g, g′) kernel expressions to compile in besides the plan's own, so that
    networks of other activations among them share the compiled code; but the plan's own
    activations alone make faster code (the spirals' 2-20-20-1 epoch: 537 µs against 933 µs
    among the library's seven), taken where this process or numba's cache has it, or for a
    run of `work` (as :func:`worth_compiling` counts it) from :data:`COMPILE_ABOVE` on,
    which repays compiling it. The numbers are the same either way.

    ``epoch(theta, X, Y, order, lr, decay, bias_decay)`` runs per-example SGD on the rows
    ``order`` of X, Y in turn, writing θ (the network's array) in place; it returns -1, or
    the place in `order` of a step it refused (θ as before that step).
    ``evaluate(theta, X, Y, outputs)`` writes each row's output activations into `outputs`
    and returns Σ over the rows of ℓ.
    ``gradient(theta, X, Y, order, grad, outputs)`` writes Σ over the rows `order` of
    ∂ℓ/∂θ into `grad` (FORWARDPROPAGATE and BACKPROPAGATE for each, θ unchanged) and
    their outputs into the rows of `outputs`, and returns Σ ℓ.
    ``train(theta, X, Y, orders, lr, decay, bias_decay, weight_decay, decayed, labels,
    error_tol, min_delta, patience, previous, calm, costs, accuracies)`` runs an epoch for
    each row of `orders` as ``fit`` does, with nothing between them in Python: after each,
    J (with λ Σ θ_s² over the `decayed` s) into `costs`, the share of rows whose class is
    `labels`' into `accuracies` (where `labels` is not empty), and fit's stopping rules
    (`error_tol`, `min_delta` when ≥ 0; `previous` J and `calm` carried between calls). It
    returns (epochs recorded, 1 if every |y − a| < error_tol stopped it or 2 if min_delta
    did, else 0, calm); an epoch with a refused step or a J that is not finite is not
    recorded and leaves θ as it found it, for ``fit`` to run its own way. The code is
    compiled once for each set of activations and each quadratic loss (and kept in numba's
    cache); the plan's arrays are made once and kept on it.
    """
    if not available() or not _applies(plan, loss):
        return None
    kernels = _kernel_set(plan, known)
    if known:
        own = _kernel_set(plan)
        source = _source(own, loss.quadratic)
        if work >= COMPILE_ABOVE or source in _LOADED or _cached(source):
            kernels = own
    key = ("compiled", kernels, loss.quadratic)
    made = plan.kernels.get(key)
    if made is None:
        epoch, evaluate, gradient, train = _compile(_source(kernels, loss.quadratic))
        program = Program(plan, {kernel: code for code, kernel in enumerate(kernels)})
        arrays = program.arrays()

        def run_epoch(theta, X, Y, order, lr, decay, bias_decay):
            return epoch(theta, X, Y, order, lr, decay, bias_decay, *arrays)

        def run_evaluate(theta, X, Y, outputs):
            return evaluate(theta, X, Y, outputs, *arrays)

        def run_gradient(theta, X, Y, order, grad, outputs):
            return gradient(theta, X, Y, order, grad, outputs, *arrays)

        def run_train(theta, X, Y, orders, lr, decay, bias_decay, weight_decay, decayed,
                      labels, error_tol, min_delta, patience, previous, calm, costs,
                      accuracies):
            return train(theta, X, Y, orders, lr, decay, bias_decay, weight_decay, decayed,
                         labels, error_tol, min_delta, patience, previous, calm, costs,
                         accuracies, *arrays)

        made = plan.kernels[key] = Kernels(run_epoch, run_evaluate, run_gradient, run_train)
    return made


KERNEL_SOURCE = """
def g_of(code, z):
{g_cases}
    return 0.0


def g_prime_of(code, z, a):
{g_prime_cases}
    return 0.0


def forward(theta, X, r, first, in_start, in_from, in_slot, codes, a, in_):
    a[0] = 1.0
    for k in range(first - 1):
        a[1 + k] = X[r, k]
    for p in range(codes.shape[0]):
        # in_j <- sum_i w_ij a_i;  a_j <- g(in_j)
        z = 0.0
        for q in range(in_start[p], in_start[p + 1]):
            z += theta[in_slot[q]] * a[in_from[q]]
        in_[first + p] = z
        a[first + p] = g_of(codes[p], z)


def backward(theta, Y, r, first, out_start, out_to, out_slot, codes, k, a, in_, delta):
    # Delta_j <- g'(in_j) sum_k w_jk Delta_k  (+ the output's -2c (y_k - a_k) g'(in_k))
    for p in range(codes.shape[0] - 1, -1, -1):
        j = first + p
        if out_start[p] == out_start[p + 1] and k[p] < 0:
            delta[j] = 0.0
            continue
        g_prime = g_prime_of(codes[p], in_[j], a[j])
        if out_start[p] < out_start[p + 1]:
            total = 0.0
            for q in range(out_start[p], out_start[p + 1]):
                total += theta[out_slot[q]] * delta[out_to[q]]
            delta[j] = g_prime * total
        else:
            delta[j] = 0.0
        if k[p] >= 0:
            delta[j] += (MINUS_2C * (Y[r, k[p]] - a[j])) * g_prime


def steps(theta, X, Y, order, lr, decay, bias_decay, first, in_start, in_from, in_slot,
          out_start, out_to, out_slot, codes, k, up_from, up_to, up_slot, up_bias, a, in_,
          delta, old):
    plain = not decay and not bias_decay
    for e in range(order.shape[0]):
        r = order[e]
        forward(theta, X, r, first, in_start, in_from, in_slot, codes, a, in_)
        backward(theta, Y, r, first, out_start, out_to, out_slot, codes, k, a, in_, delta)
        # w_ij <- w_ij - alpha Delta_j a_i - 2 alpha lambda w_ij; a step that takes one beyond
        # the limit (or makes it NaN) is undone whole: `old` keeps what it overwrote
        within = True
        if plain:
            for u in range(up_slot.shape[0]):
                ij = up_slot[u]
                w_ij = theta[ij]
                old[u] = w_ij
                i, j = up_from[u], up_to[u]
                w_ij = {descend_plain}
                theta[ij] = w_ij
                within &= abs(w_ij) <= LIMIT
        else:
            for u in range(up_slot.shape[0]):
                ij = up_slot[u]
                rate = bias_decay if up_bias[u] else decay
                w_ij = theta[ij]
                old[u] = w_ij
                i, j = up_from[u], up_to[u]
                if rate:
                    w_ij = {descend_decayed}
                else:
                    w_ij = {descend_plain}
                theta[ij] = w_ij
                within &= abs(w_ij) <= LIMIT
        if not within:
            for u in range(up_slot.shape[0]):
                theta[up_slot[u]] = old[u]
            return e
    return -1


def epoch(theta, X, Y, order, lr, decay, bias_decay, first, size, in_start, in_from, in_slot,
          out_start, out_to, out_slot, codes, k, up_from, up_to, up_slot, up_bias, out_place):
    a, in_, delta = np.empty(size), np.empty(size), np.empty(size)
    old = np.empty(up_slot.shape[0])
    return steps(theta, X, Y, order, lr, decay, bias_decay, first, in_start, in_from, in_slot,
                 out_start, out_to, out_slot, codes, k, up_from, up_to, up_slot, up_bias, a,
                 in_, delta, old)


def loss_sum(theta, X, Y, outputs, first, in_start, in_from, in_slot, codes, out_place, A, IN):
    # FORWARDPROPAGATE for LANES examples side by side (A[i, l]: a_i of the l-th), each
    # one's sums in the order of the one-example pass: the same numbers, fewer loads
    n, total = X.shape[0], 0.0
    for r0 in range(0, n, LANES):
        width = min(LANES, n - r0)
        for l in range(LANES):
            A[0, l] = 1.0
        for kk in range(first - 1):
            for l in range(LANES):
                A[1 + kk, l] = X[r0 + l, kk] if l < width else 0.0
        for p in range(codes.shape[0]):
            j, code = first + p, codes[p]
            for l in range(LANES):
                IN[j, l] = 0.0
            for q in range(in_start[p], in_start[p + 1]):
                w_ij, i = theta[in_slot[q]], in_from[q]
                for l in range(LANES):
                    IN[j, l] += w_ij * A[i, l]
            for l in range(width):  # (g only where there is an example)
                A[j, l] = g_of(code, IN[j, l])
        for l in range(width):
            ell = 0.0
            for m in range(Y.shape[1]):
                a_k = A[out_place[m], l]
                outputs[r0 + l, m] = a_k
                error = Y[r0 + l, m] - a_k
                ell += C * (error * error)
            total += ell
    return total


def evaluate(theta, X, Y, outputs, first, size, in_start, in_from, in_slot, out_start, out_to,
             out_slot, codes, k, up_from, up_to, up_slot, up_bias, out_place):
    A, IN = np.zeros((size, LANES)), np.empty((size, LANES))  # (finite in every lane)
    return loss_sum(theta, X, Y, outputs, first, in_start, in_from, in_slot, codes, out_place,
                    A, IN)


def gradient(theta, X, Y, order, grad, outputs, first, size, in_start, in_from, in_slot,
             out_start, out_to, out_slot, codes, k, up_from, up_to, up_slot, up_bias,
             out_place):
    a, in_, delta = np.empty(size), np.empty(size), np.empty(size)
    total = 0.0
    grad[:] = 0.0
    for e in range(order.shape[0]):
        r = order[e]
        forward(theta, X, r, first, in_start, in_from, in_slot, codes, a, in_)
        backward(theta, Y, r, first, out_start, out_to, out_slot, codes, k, a, in_, delta)
        ell = 0.0
        for m in range(Y.shape[1]):
            a_k = a[out_place[m]]
            outputs[e, m] = a_k
            error = Y[r, m] - a_k
            ell += C * (error * error)
        total += ell
        # dl/dw_ij = Delta_j a_i, summed over the examples
        for u in range(up_slot.shape[0]):
            grad[up_slot[u]] += delta[up_to[u]] * a[up_from[u]]
    return total


def train(theta, X, Y, orders, lr, decay, bias_decay, weight_decay, decayed, labels,
          error_tol, min_delta, patience, previous, calm, costs, accuracies, first, size,
          in_start, in_from, in_slot, out_start, out_to, out_slot, codes, k, up_from, up_to,
          up_slot, up_bias, out_place):
    n = X.shape[0]
    a, in_, delta = np.empty(size), np.empty(size), np.empty(size)
    A, IN = np.zeros((size, LANES)), np.empty((size, LANES))  # (finite in every lane)
    old, start = np.empty(up_slot.shape[0]), np.empty(decayed.shape[0])
    outputs = np.empty((n, Y.shape[1]))
    for t in range(orders.shape[0]):
        start[:] = theta[:start.shape[0]]
        refused = steps(theta, X, Y, orders[t], lr, decay, bias_decay, first, in_start,
                        in_from, in_slot, out_start, out_to, out_slot, codes, k, up_from,
                        up_to, up_slot, up_bias, a, in_, delta, old)
        # J(w) on the training set, with the weight decay term lambda sum w_ij^2
        cost = loss_sum(theta, X, Y, outputs, first, in_start, in_from, in_slot, codes,
                        out_place, A, IN) / n
        if weight_decay:
            squares = 0.0
            for s in range(decayed.shape[0]):
                if decayed[s]:
                    squares += theta[s] * theta[s]
            cost += weight_decay * squares
        if refused >= 0 or not math.isfinite(cost):  # this epoch is fit's to run
            theta[:start.shape[0]] = start
            return t, 0, calm
        costs[t] = cost
        if labels.shape[0]:
            right = 0
            for r in range(n):
                best = 0
                if Y.shape[1] == 1:
                    best = 1 if outputs[r, 0] >= 0.5 else 0
                else:
                    for m in range(1, Y.shape[1]):
                        if outputs[r, m] > outputs[r, best]:
                            best = m
                right += best == labels[r]
            accuracies[t] = right / n
        # the stopping conditions
        calm = calm + 1 if (min_delta >= 0.0 and not math.isnan(previous)
                            and abs(previous - cost) < min_delta) else 0
        previous = cost
        if error_tol >= 0.0:
            largest = 0.0
            for r in range(n):
                for m in range(Y.shape[1]):
                    largest = max(largest, abs(Y[r, m] - outputs[r, m]))
            if largest < error_tol:
                return t + 1, 1, calm
        if min_delta >= 0.0 and calm >= patience:
            return t + 1, 2, calm
    return orders.shape[0], 0, calm
"""


JITTED = ("g_of", "g_prime_of", "forward", "backward", "steps", "epoch", "loss_sum", "evaluate",
          "gradient", "train")
INLINED = ("g_of", "g_prime_of")  # numba inlines them where called (no call, no dispatch)
LANES = 8
"""Examples that J's pass over the training set (``loss_sum``) runs side by side."""
_LOADED = {}  # source: the kernels' module, once this process has compiled or loaded them


def _kernel_set(plan, known=()):
    """The (g, g′) kernel expressions the kernels dispatch on, in code order: `known` (the
    library's activations, say: then one compiled module serves every network made of
    them), then any other of the plan's activations."""
    return tuple(known) + tuple(sorted({row[1].kernel for row in plan.forward} - set(known)))


@functools.cache
def _source(kernels, c):
    """The module of kernels for activations `kernels` ((g, g′) expressions, in code order)
    and a quadratic loss c (y − a)²: code whose size does not grow with the network."""
    cases = [[f"    if code == {code}:\n        return {kernel[part]}"
              for code, kernel in enumerate(kernels)] for part in (0, 1)]
    update = [descent_source("w_ij", "delta[j] * a[i]", "lr", "rate", decayed)
              for decayed in (True, False)]  # the one rule, reference.descend's line
    source = KERNEL_SOURCE.format(g_cases="\n".join(cases[0]), g_prime_cases="\n".join(cases[1]),
                                  descend_decayed=update[0], descend_plain=update[1])
    for name in JITTED:
        inline = ", inline='always'" if name in INLINED else ""
        source = source.replace(f"\ndef {name}(", f"\n@njit(cache=CACHE, error_model='numpy'"
                                                 f"{inline})\ndef {name}(")
    header = (f'"""neurograph\'s compiled kernels for activations {list(kernels)} and '
              f'c = {c!r} (made by neurograph.engines.compiled)."""\n\nimport math\n\n'
              f'import numpy as np\nfrom numba import njit\n\nCACHE = True\n'
              f'LIMIT = {WEIGHT_LIMIT!r}\nC = {c!r}\nMINUS_2C = {-2.0 * c!r}\n'
              f'LANES = {LANES}\n')
    return header + source


def _compile(source):
    """(epoch, evaluate, gradient, train) of `source`, compiled by numba once per process, and kept
    by numba's cache between processes (:func:`_module`)."""
    module = _LOADED.get(source)
    if module is None:
        module = _LOADED[source] = _module(source)
    return module.epoch, module.evaluate, module.gradient, module.train


def _name(source):
    return "neurograph_kernels_" + hashlib.sha256(source.encode()).hexdigest()[:24]


def _cached(source):
    """Whether numba's cache holds the machine code of `source`'s training kernel."""
    try:
        folder, name = cache_folder(), _name(source)  # (numba's index: beside the source,
        if (folder, name) in _FOUND:  # (a search of the folder: 0.2 ms, each small fit)
            return True
        found = (folder / f"{name}.py").is_file() and \
            any(folder.parent.rglob(f"{name}.train-*.nbi"))  # or under NUMBA_CACHE_DIR)
    except (OSError, ImportError):
        return False
    if found:
        _FOUND.add((folder, name))
    return found


_FOUND = set()  # (folder, name) of the kernels found in numba's cache by this process


def cache_folder():
    """Where the kernels' source files go: a folder ``neurograph`` in numba's cache folder
    (``NUMBA_CACHE_DIR`` where set, else numba's own per-user folder, ~/.cache/numba on
    Linux). numba keeps their machine code beside them, so that a process after the
    first loads the kernels instead of compiling them (a fraction of a second against
    several)."""
    numba = _numba()
    folder = numba.config.CACHE_DIR
    if not folder:
        from numba.misc.appdirs import user_cache_dir
        folder = user_cache_dir(appname="numba", appauthor=False)
    return Path(folder) / "neurograph"


def _module(source):
    """The kernels' module, from a file in :func:`cache_folder` named by the source's hash
    (written once, atomically), so that numba caches their machine code; where that folder
    cannot be written, from the source itself, compiled by every process."""
    name = _name(source)
    try:
        folder = cache_folder()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.py"
        if not path.is_file() or path.read_text(encoding="utf-8") != source:
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp",
                                             delete=False) as handle:
                handle.write(source)
            os.replace(handle.name, path)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # (numba's cache finds a function's module by its name)
        spec.loader.exec_module(module)
        return module
    except (OSError, ImportError):
        module = types.ModuleType(name)
        source = source.replace("\nCACHE = True\n", "\nCACHE = False\n")
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)
        return module


def as_rows(values):
    """A C-contiguous float64 array (what the kernels take)."""
    return np.ascontiguousarray(values, dtype=np.float64)
