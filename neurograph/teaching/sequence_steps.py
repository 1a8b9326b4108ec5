"""BPTT worked by hand: in_j(t), a_j(t), Δ_j(t), ∂J/∂w_ij and the updates, step by step.

:func:`explain_sequence` writes out what :mod:`neurograph.engines.sequence` computes for one
sequence, one line per neuron per time step, in the lecture's notation with the time step
added — a_i(t − d) for a delay edge — as an :class:`~neurograph.teaching.explanation.Explanation`
(plain text, Markdown, LaTeX).
"""

import numpy as np

from .. import checks
from ..engines import sequence
from ..errors import NetworkError
from ..model.losses import get_loss
from ..model.recurrent import sequence_inputs, sequence_targets
from ..numbers import Precision
from .explanation import Explanation, Step, at_time, fn, num, op, sym

__all__ = ["explain_sequence"]


def explain_sequence(net, X, Y=None, lr=None, loss="squared", digits=4):
    """The steps of BPTT on one sequence; see :meth:`Network.explain_sequence`."""
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    X = sequence_inputs(X, len(plan.inputs), "X", single=True)
    Y = None if Y is None else sequence_targets(np.asarray(Y, dtype=float)[None],
                                                (1, *X.shape[:1], len(plan.outputs)), "Y")[0]
    loss = get_loss(loss)
    digits = checks.option("digits", digits)
    if lr is not None:
        if Y is None:
            raise NetworkError("an update needs the targets: pass Y as well as lr")
        lr = checks.option("lr", lr)
    w = plan.store.memory
    trace = sequence.forward_through_time(seq, w, X.tolist())
    a, in_, slopes = trace
    D, T, ids = seq.longest, len(X), seq.ids
    steps = []
    for t in range(1, T + 1):
        for j, g, rows, combine in seq.forward:
            steps.append(_forward_in(t, j, rows, combine, ids, w, a, in_[D + t][j], D))
            steps.append(Step("forward", f"a_{ids[j]}({t})", a[D + t][j],
                              (sym("a", ids[j]), at_time(t), op("="), fn(g.symbol or g.name),
                               op("("), num(in_[D + t][j]), op(")"), op("="),
                               num(a[D + t][j]))))
    headings = {"forward": f"Forward propagation through time, T = {T}, a_j(t ≤ 0) = 0"}
    if Y is not None:
        rows_y = sequence.as_rows(Y)
        J = sequence.sequence_loss(seq, trace, rows_y, loss)
        delta = sequence.back_propagate_through_time(seq, w, trace, rows_y, loss)
        for t in range(T, 0, -1):
            for j, g, outgoing, k in seq.backward:
                if outgoing or (k is not None and rows_y[t - 1] is not None):
                    steps.append(_backward(t, j, g, outgoing, k, rows_y, ids, w, delta, a,
                                           in_, slopes, D, T))
        grad = sequence.sequence_gradient(seq, trace, delta, [0.0] * seq.n_parameters)
        for i, ij, j, d, place in seq.edges:
            key = f"{ids[i]},{ids[j]}"
            steps.append(Step("gradient", f"dJ/dw_{key}", grad[ij],
                              (sym("dJ/dw", key), op("="), sym("Σ", "t"), op("("),
                               sym("Δ", ids[j]), op("("), sym("t"), op(")"), op("·"),
                               sym("a", ids[i]), op("("), sym("t"),
                               *((op("−"), num(d)) if d else ()), op(")"), op(")"), op("="),
                               num(grad[ij]))))
        headings["backward"] = f"Backpropagation through time, {loss.name} loss, J = {J:.6g}"
        headings["gradient"] = "Partial derivatives ∂J/∂w_ij = Σ_t Δ_j(t) a_i(t − d_ij)"
        if lr is not None:
            done = set()
            for i, ij, j, d, place in seq.edges:
                if ij in done:
                    continue
                done.add(ij)
                key = f"{ids[i]},{ids[j]}"
                new = w[ij] - lr * grad[ij]
                steps.append(Step("update", f"w_{key}", new,
                                  (sym("w", key), op("←"), sym("w", key), op("−"), sym("α"),
                                   op("·"), sym("dJ/dw", key), op("="), num(w[ij]), op("−"),
                                   num(lr), op("·"), num(grad[ij]), op("="), num(new))))
            headings["update"] = f"Weight updates, α = {lr:g}"
    return Explanation(f"BPTT worked through one sequence (exact values, shown to "
                       f"{Precision(digits).words()})", steps, [], [], digits, False, headings,
                       network=net.copy())


def _forward_in(t, j, rows, combine, ids, w, a, in_j, D):
    """in_j(t) = Σ_i w_ij·a_i(t − d_ij) (or max, Π) = the numbers = in_j(t)."""
    symbols = [[sym("w", f"{ids[i]},{ids[j]}"), op("·"), sym("a", ids[i]), at_time(t - d)]
               for i, ij, d in rows]
    numbers = [[num(w[ij]), op("·"), num(a[D + t - d][i])] for i, ij, d in rows]
    if combine is None:  # Σ: w·a + w·a + …
        symbolic, numeric = _joined(symbols, "+"), _joined(numbers, "+")
    elif combine.written == "applied":  # max(w·a, …)
        symbolic = [fn(combine.symbol), op("("), *_joined(symbols, ","), op(")")]
        numeric = [fn(combine.symbol), op("("), *_joined(numbers, ","), op(")")]
    else:  # (w·a)·(w·a)·…
        symbolic = _joined([[op("("), *term, op(")")] for term in symbols], "·")
        numeric = _joined([[op("("), *term, op(")")] for term in numbers], "·")
    return Step("forward", f"in_{ids[j]}({t})", in_j,
                (sym("in", ids[j]), at_time(t), op("="), *symbolic, op("="), *numeric, op("="),
                 num(in_j)))


def _backward(t, j, g, outgoing, k, rows_y, ids, w, delta, a, in_, slopes, D, T):
    """Δ_j(t) = g′(in_j(t))·(Σ_k w_jk·Δ_k(t + d_jk)) [+ the output Δ] = Δ_j(t)."""
    tokens = [sym("Δ", ids[j]), at_time(t), op("=")]
    terms = []
    for jk, k_, d, place in outgoing:
        if t + d > T:
            continue
        if terms:
            terms.append(op("+"))
        terms += [num(w[jk]), op("·")]
        if place is not None:
            terms += [num(slopes[t + d, k_][place]), op("·")]
        terms += [sym("Δ", ids[k_]), at_time(t + d)]
    if terms:
        tokens += [fn("g′"), op("("), num(in_[D + t][j]), op(")"), op("·"), op("("), *terms,
                   op(")")]
    y = rows_y[t - 1]
    if k is not None and y is not None:  # the loss's output Δ, as backpropagation gives it
        tokens += [*([op("+")] if terms else []), sym("dl/din", ids[j]), at_time(t)]
    tokens += [op("="), num(delta[t][j])]
    return Step("backward", f"Δ_{ids[j]}({t})", delta[t][j], tuple(tokens))


def _joined(terms, symbol):
    """t_1 symbol t_2 symbol …, each term a list of tokens."""
    out = []
    for term in terms:
        if out:
            out.append(op(symbol))
        out += term
    return out
