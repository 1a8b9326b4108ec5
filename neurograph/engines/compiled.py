"""NEURALNETTRAIN's inner loop for one network, compiled to machine code by numba.

:mod:`neurograph.engines.unrolled` writes the reference engine's per-example step out as
straight-line Python for the network at hand. Here the same lines — one per edge and per
neuron, in the reference engine's order of operations — are written for a whole epoch of
per-example SGD (every example of an order in turn: forward, backward, update) and for the
evaluation of J on the training set, with each activation's g and g′ taken from its
``kernel`` expressions and a quadratic loss from its constant c; numba compiles them
once per network. θ is the network's own array, read and written in place.

The numbers are the reference engine's to the last bit or two: numba's ``exp``, ``tanh`` and
``log1p`` may differ from Python's in the last place (the tests hold the two to 1e-12
relative on random non-layered DAGs). A step that would take a weight beyond ±1e100 or make
it NaN stops the epoch before it is written, and the unrolled step then repeats it, so the
refusal is the reference engine's own.

It applies where the unrolled step does, with activations that carry ``kernel`` forms and a
quadratic loss (squared, half-squared) — and where numba is installed, which a default
install on the usual platforms provides; elsewhere training takes the unrolled step and the
reference engine, with the same numbers. Compiling costs a fraction of a second per network,
so ``fit`` uses it for runs long enough to repay that (:data:`COMPILE_ABOVE`).
"""

import functools

import numpy as np

from . import unrolled
from .reference import WEIGHT_LIMIT

__all__ = ["compiled_kernels", "available", "COMPILE_ABOVE"]

COMPILE_ABOVE = 2_000_000
"""fit compiles a network's epoch when epochs × examples × edges reaches this: the pure
step takes about a microsecond and a half for ten edges, so about three seconds of training,
against about half a second to compile."""


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
    return (unrolled.unrolled_step(plan) is not None and loss.quadratic > 0.0
            and loss.check is None and all(row[1].kernel for row in plan.forward))


def compiled_kernels(plan, loss):
    """(epoch, evaluate) compiled for `plan` and `loss`, or None where they do not apply.

    ``epoch(theta, X, Y, order, lr, decay, bias_decay)`` runs per-example SGD on the rows
    ``order`` of X, Y in turn, writing θ (the network's array) in place; it returns -1, or
    the place in `order` of a step it refused (θ as before that step).
    ``evaluate(theta, X, Y, outputs)`` writes each row's output activations into `outputs`
    and returns Σ over the rows of ℓ. Made once per plan and loss, and kept on the plan.
    """
    if not available() or not _applies(plan, loss):
        return None
    key = ("compiled", loss.name, loss.quadratic)
    made = plan.kernels.get(key)
    if made is None:
        made = plan.kernels[key] = _make(plan, loss.quadratic)
    return made


def _make(plan, c):
    """Write the epoch and the evaluation for `plan` and compile them with numba."""
    numba = _numba()
    position = {neuron: p for p, neuron in enumerate([plan.bias, *plan.inputs]
                                                     + [row[0] for row in plan.forward])}

    def var(kind, neuron):
        return f"{kind}{position[neuron]}"

    def forward(lines, depth):
        pad = "    " * depth
        lines.append(f"{pad}a0 = 1.0")
        for k, neuron in enumerate(plan.inputs):
            lines.append(f"{pad}{var('a', neuron)} = X[r, {k}]")
        # in_j ← Σ_i w_ij a_i;  a_j ← g(in_j)
        for neuron_j, g, incoming, _, _ in plan.forward_steps:
            terms = "".join(f" + theta[{ij}] * {var('a', neuron_i)}" for neuron_i, ij in incoming)
            lines.append(f"{pad}z = 0.0{terms}")
            lines.append(f"{pad}{var('in_', neuron_j)} = z")
            lines.append(f"{pad}{var('a', neuron_j)} = {g.kernel[0]}")

    epoch = ["def epoch(theta, X, Y, order, lr, decay, bias_decay):",
             "    for e in range(order.shape[0]):",
             "        r = order[e]"]
    forward(epoch, 2)
    pad = " " * 8
    # Δ_j ← g′(in_j) Σ_k w_jk Δ_k, plus −2c (y_k − a_k) g′(in_k) at an output
    for neuron_j, g, outgoing, _, k, _ in plan.backward_steps:
        delta_j = var("delta", neuron_j)
        if not outgoing and k is None:
            epoch.append(f"{pad}{delta_j} = 0.0")
            continue
        epoch.append(f"{pad}z = {var('in_', neuron_j)}")
        epoch.append(f"{pad}a = {var('a', neuron_j)}")
        epoch.append(f"{pad}g_prime = {g.kernel[1]}")
        if outgoing:
            total = "".join(f" + theta[{jk}] * {var('delta', n_k)}" for jk, n_k in outgoing)
            epoch.append(f"{pad}{delta_j} = g_prime * (0.0{total})")
        else:
            epoch.append(f"{pad}{delta_j} = 0.0")
        if k is not None:
            epoch.append(f"{pad}{delta_j} += ({-2.0 * c!r} * (Y[r, {k}] - a)) * g_prime")
    # w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij, as the reference engine's gradient_step
    changed = []
    for edges, rate in ((plan.weights, "decay"), (plan.biases, "bias_decay")):
        if not edges:
            continue
        epoch.append(f"{pad}if {rate}:")
        for neuron_i, ij, neuron_j in edges:
            epoch.append(f"{pad}    n{ij} = theta[{ij}] - lr * ({var('delta', neuron_j)} * "
                         f"{var('a', neuron_i)}) - {rate} * theta[{ij}]")
        epoch.append(f"{pad}else:")
        for neuron_i, ij, neuron_j in edges:
            epoch.append(f"{pad}    n{ij} = theta[{ij}] - lr * ({var('delta', neuron_j)} * "
                         f"{var('a', neuron_i)})")
            changed.append(ij)
    for edge, uses, is_bias in plan.shared:  # tied groups: Σ over the edges that use w
        ij = edge.slot
        grad = "".join(f" + {var('delta', n_j)} * {var('a', n_i)} * 1.0" for n_i, n_j, _ in uses)
        rate = "bias_decay" if is_bias else "decay"
        epoch.append(f"{pad}n{ij} = theta[{ij}] - lr * (0.0{grad}) - {rate} * theta[{ij}]")
        changed.append(ij)
    if changed:
        bounded = " and ".join(f"-LIMIT <= n{ij} <= LIMIT" for ij in changed)
        epoch.append(f"{pad}if not ({bounded}):")
        epoch.append(f"{pad}    return e")
        epoch += [f"{pad}theta[{ij}] = n{ij}" for ij in changed]
    epoch.append("    return -1")

    evaluate = ["def evaluate(theta, X, Y, outputs):",
                "    total = 0.0",
                "    for r in range(X.shape[0]):"]
    forward(evaluate, 2)
    evaluate.append(f"{pad}ell = 0.0")
    for k, neuron in enumerate(plan.outputs):
        a_k = var("a", neuron)
        evaluate.append(f"{pad}outputs[r, {k}] = {a_k}")
        evaluate.append(f"{pad}error = Y[r, {k}] - {a_k}")
        evaluate.append(f"{pad}ell += {c!r} * (error * error)")
    evaluate.append(f"{pad}total += ell")
    evaluate.append("    return total")

    namespace = {"math": __import__("math"), "LIMIT": WEIGHT_LIMIT}
    exec(compile("\n".join(epoch) + "\n\n" + "\n".join(evaluate) + "\n",
                 "<neurograph compiled epoch>", "exec"), namespace)
    jit = numba.njit(cache=False, error_model="numpy")
    return jit(namespace["epoch"]), jit(namespace["evaluate"])


def as_rows(values):
    """A C-contiguous float64 array (what the kernels take)."""
    return np.ascontiguousarray(values, dtype=np.float64)
