"""BPTT of one sequence, unrolled for one network and one length T into straight-line Python.

:func:`neurograph.engines.sequence.forward_through_time`,
:func:`~.sequence.back_propagate_through_time` and :func:`~.sequence.sequence_gradient` walk
the plan's rows at every time step of every sequence: each weight looked up in θ, each row
unpacked, a list made per time step. For a small network that bookkeeping costs more than
the arithmetic. Here the three are written out once for the network and T — one line per
neuron and time step, in the reference's order of operations (a term whose a_i(t − d) is the
initial state's 0 left out), calling the same activation and loss objects — and compiled by
Python itself, as :mod:`neurograph.engines.unrolled` does for one feedforward example. θ is
read with one ``struct`` unpacking and every in_j(t), a_j(t) and Δ_j(t) is a local variable.
The tests hold its numbers to the reference's on random recurrent DAGs.

It covers sum neurons (ties and frozen edges allowed) without a softmax group, and full BPTT
(``truncate=None``); :func:`unrolled_sequence` returns None for anything else and for more
than :data:`MOST_TERMS` terms (T × edges), where the source grows too long to pay for its
compilation.

>>> import numpy as np, neurograph as ng
>>> from neurograph.engines import sequence
>>> from neurograph.engines.sequence_unrolled import unrolled_sequence
>>> net = ng.Network.elman([1, 1, 1], activation="tanh", seed=0)
>>> plan = net.plan()
>>> bptt = unrolled_sequence(plan, sequence.sequence_plan(plan), 3)
>>> J, grad, outputs = bptt([[1.0], [0.0], [1.0]], [None, [0.5], [0.0]], ng.get_loss("squared"))
>>> J_ref, grad_ref, _ = sequence.sequences_pass(sequence.sequence_plan(plan), plan.store.memory,
...     np.array([[[1.0], [0.0], [1.0]]]), np.array([[[np.nan], [0.5], [0.0]]]),
...     ng.get_loss("squared"))
>>> bool(abs(J - J_ref) < 1e-15 and np.allclose(grad, grad_ref, rtol=0, atol=1e-15))
True
"""

import struct

from .unrolled import Source

__all__ = ["unrolled_sequence", "MOST_TERMS"]

MOST_TERMS = 4000
"""The most terms (T × edges) written out: Python compiles the source in time linear in its
lines, and beyond a few thousand the reference's loops cost about as much per term."""

CHUNK = 64
"""Terms per line of a long sum (Python's parser nests a long chain of + deeply)."""


def unrolled_sequence(plan, seq, T, gradient=True):
    """BPTT of one sequence of T steps of `plan`'s network as one function, or None where
    it does not apply (max/product neurons, a softmax group, more than :data:`MOST_TERMS`
    terms). Made once per plan, T and `gradient` and kept on the plan.

    The function is ``bptt(x, y, loss)``: x the T input rows (lists of floats), y the T
    target rows (lists, or None for a step without a target), `loss` a Loss. It returns
    (Σ_t ℓ, ∂/∂θ of it as a tuple over the trainable parameters, the outputs as a tuple of
    T rows) — what :func:`~neurograph.engines.sequence.sequences_pass` gives for one
    sequence. Without `gradient` it stops after J: FORWARDPROPAGATE and ℓ only, and the
    gradient is an empty tuple.
    """
    key = ("sequence unrolled", T, gradient)
    if key not in plan.kernels:
        applies = (not seq.group and all(combine is None for *_, combine in seq.forward)
                   and T * sum(len(rows) for _, _, rows, _ in seq.forward) <= MOST_TERMS)
        plan.kernels[key] = _make(plan, seq, T, gradient) if applies else None
    return plan.kernels[key]


class _Lines(Source):
    """Source, with sums written CHUNK terms a line."""

    def total(self, target, terms, depth=1, start="0.0"):
        """`target` = start + the terms, CHUNK terms a line."""
        self.add(f"{target} = {start}{''.join(' + ' + term for term in terms[:CHUNK])}",
                 depth)
        for first in range(CHUNK, len(terms), CHUNK):
            self.add(f"{target} += {' + '.join(terms[first:first + CHUNK])}", depth)


def _make(plan, seq, T, gradient):
    """Write BPTT's source for `seq` and T (without `gradient`: its forward pass and J),
    and compile it."""
    src = _Lines()
    unpack = struct.Struct(f"{plan.store.size}d").unpack_from

    def a(p, t):  # a_p(t); t ≤ 0: the initial state (left out of every sum)
        return "1.0" if p == 0 else f"a{p}_{t}"

    src.add("w = unpack(store.memory)  # θ as Python floats: w[ij] is w_ij")
    # FORWARDPROPAGATE through time: in_j(t) ← Σ_i w_ij a_i(t − d_ij), a_j(t) ← g(in_j(t))
    for t in range(1, T + 1):
        src.add(f"x_t = x[{t - 1}]")
        for k, p in enumerate(seq.inputs):
            src.add(f"a{p}_{t} = x_t[{k}]")
        for j, g, rows, _ in seq.forward:
            src.total(f"in{j}_{t}", [f"w[{ij}] * {a(i, t - d)}" for i, ij, d in rows
                                     if t - d >= 1])
            src.add(f"a{j}_{t} = {src.name(g.g, 'g')}(in{j}_{t})")
    # J: Σ ℓ over the steps with a target (the loss checks each output first)
    outputs = list(zip(range(len(seq.outputs)), seq.outputs, seq.output_g))
    src.add("ell = 0.0")
    for t in range(1, T + 1):
        src.add(f"y_t = y[{t - 1}]")
        src.add("if y_t is not None:")
        src.add("if loss.check is not None:", 2)
        for k, j, g in outputs:
            src.add(f"loss.check(y_t[{k}], a{j}_{t}, {src.name(g, 'act')})", 3)
        for k, j, g in outputs:
            src.add(f"ell += loss.value(y_t[{k}], a{j}_{t}, in{j}_{t}, {src.name(g, 'act')})",
                    2)
    # BACKPROPAGATE through time: Δ_j(t) ← g′(in_j(t)) Σ_k w_jk Δ_k(t + d_jk) (+ output Δ)
    is_output = {j: k for k, j, _ in outputs}
    for t in range(T, 0, -1) if gradient else ():
        src.add(f"y_t = y[{t - 1}]")
        for j, g, outgoing, k in seq.backward:
            terms = [f"w[{jk}] * delta{k_}_{t + d}" for jk, k_, d, _ in outgoing if t + d <= T]
            if not terms and k is None:
                src.add(f"delta{j}_{t} = 0.0")
                continue
            if g.dg_from_a is not None:
                src.add(f"g_prime = {src.name(g.dg_from_a, 'dg')}(a{j}_{t})")
            else:
                src.add(f"g_prime = {src.name(g.dg, 'dg')}(in{j}_{t})")
            src.total("total", terms)
            src.add(f"delta{j}_{t} = g_prime * total")
            if k is not None:
                src.add("if y_t is not None:")
                src.add(f"delta{j}_{t} += loss.output_delta(y_t[{k}], a{j}_{t}, in{j}_{t}, "
                        f"{src.name(g, 'act')}, g_prime)", 2)
    # ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d_ij), a tied group's edges into one slot
    by_slot = {}
    for i, ij, j, d, _ in seq.edges:
        by_slot.setdefault(ij, []).extend(f"delta{j}_{t} * {a(i, t - d)}"
                                          for t in range(1, T + 1) if t - d >= 1)
    grads = []
    for ij in range(seq.n_parameters) if gradient else ():
        src.total(f"G{ij}", by_slot.get(ij, []))
        grads.append(f"G{ij}")
    rows = ", ".join("(" + "".join(f"a{j}_{t}, " for j in is_output) + ")"
                     for t in range(1, T + 1))
    src.add(f"return ell, ({''.join(name + ', ' for name in grads)}), ({rows},)")
    bound = dict(src.names, store=plan.store, unpack=unpack)
    defaults = ", ".join(f"{name}={name}" for name in bound)
    text = f"def bptt(x, y, loss, *, {defaults}):\n" + "\n".join(src.lines) + "\n"
    namespace = {}
    exec(compile(text, f"<neurograph BPTT unrolled for T = {T}>", "exec"), bound, namespace)
    bptt = namespace["bptt"]
    bptt.source = text
    return bptt
