"""LSTM, GRU and simple recurrent cells built from neurons, and PyTorch's weights put on them.

Each cell is a recurrent network of the one model: its gates are logistic (or tanh) sum
neurons, the cell's products are product neurons (``aggregation="product"``, identity g), and
its memory is a delay-1 edge. The edges that only pass a value on (weight 1, or −1 in the
GRU's 1 − z) are frozen, so training moves exactly the cell's own parameters. Per hidden unit
u = 1 … H the neurons are numbered part by part (every i_u, then every f_u …), after the
inputs 1 … I, in the order of :data:`PARTS`.

LSTM (Hochreiter and Schmidhuber 1997, with the forget gate), as PyTorch writes it::

    i = σ(W_ii x + b_ii + W_hi h(t−1) + b_hi)     f, o likewise; g with tanh
    c(t) = f ⊙ c(t−1) + i ⊙ g                       (q = f·c(t−1) and p = i·g: products)
    h(t) = o ⊙ tanh(c(t))                           (tc = tanh(c); h = o·tc: a product)

GRU (Cho et al. 2014)::

    r = σ(W_ir x + b_ir + W_hr h(t−1) + b_hr)       z likewise
    n = tanh(W_in x + b_in + r ⊙ (W_hn h(t−1) + b_hn))   (hn: the sum; rh = r·hn)
    h(t) = (1 − z) ⊙ n + z ⊙ h(t−1)                 (omz = 1 − z; zn = omz·n; zh = z·h(t−1))

With ``two_biases=True`` (PyTorch's b_ih and b_hh, each a parameter of its own) a neuron
``one`` (a = 1: identity, fed by the bias neuron through a frozen weight 1) carries the second
bias of each gate, so that one SGD step moves them as PyTorch's autograd does.
"""

import numpy as np

from ..errors import NetworkError, describe
from .structure import Blueprint

__all__ = ["PARTS", "cell_blueprint", "cell_layout", "torch_weights"]

PARTS = {
    "rnn": ("h",),
    "lstm": ("i", "f", "g", "o", "p", "q", "c", "tc", "h"),
    "gru": ("r", "z", "hn", "rh", "n", "omz", "zn", "zh", "h"),
}
"""The neurons of each hidden unit, in the order they are numbered."""

GATES = {"rnn": ("h",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
"""The parts that read x(t) (and h(t − 1)), in PyTorch's order of its weight rows."""

ACTIVATIONS = {
    "lstm": {"i": "logistic", "f": "logistic", "g": "tanh", "o": "logistic", "tc": "tanh"},
    "gru": {"r": "logistic", "z": "logistic", "n": "tanh"},
}
PRODUCTS = {"lstm": ("p", "q", "h"), "gru": ("rh", "zn", "zh")}


def cell_layout(kind, n_inputs, n_hidden, two_biases=False):
    """``{part: [ids of units 1 … H]}`` and ``"x"``: the inputs, ``"one"``: [id] or []."""
    layout, first = {"x": list(range(1, n_inputs + 1))}, n_inputs + 1
    for part in PARTS[kind]:
        layout[part] = list(range(first, first + n_hidden))
        first += n_hidden
    layout["one"] = [first] if two_biases else []
    return layout


def cell_blueprint(kind, n_inputs, n_hidden, two_biases=False, activation="tanh", bias=True):
    """The Blueprint of a cell (all its own weights 0, the constant edges set and frozen)."""
    if kind not in PARTS:
        raise NetworkError(f"unknown cell {describe(kind)}; expected 'rnn', 'lstm' or 'gru'")
    n_inputs = _count(n_inputs, "n_inputs")
    n_hidden = _count(n_hidden, "n_hidden")
    L = cell_layout(kind, n_inputs, n_hidden, two_biases and bias)
    edges, delays, frozen = {}, {}, set()

    def constant(i, j, w=1.0, d=0):
        edges[i, j] = w
        frozen.add((i, j))
        if d:
            delays[i, j] = d

    for gate in GATES[kind]:
        for u, j in enumerate(L[gate]):
            edges.update(dict.fromkeys(((i, j) for i in L["x"]), 0.0))
            if kind != "gru" or gate != "n":  # (the GRU's n reads h(t − 1) through r·hn)
                for v in L["h"]:
                    edges[v, j] = 0.0
                    delays[v, j] = 1
            if bias:
                edges[0, j] = 0.0
                if L["one"] and not (kind == "gru" and gate == "n"):
                    edges[L["one"][0], j] = 0.0
    activations = {}
    if kind == "rnn":
        activations.update(dict.fromkeys(L["h"], activation))
    else:
        for part, g in ACTIVATIONS[kind].items():
            activations.update(dict.fromkeys(L[part], g))
        for part in PARTS[kind]:
            for j in L[part]:
                activations.setdefault(j, "identity")
    aggregations = {j: "product" for part in PRODUCTS.get(kind, ()) for j in L[part]}
    for u in range(n_hidden):
        at = {part: L[part][u] for part in PARTS[kind]}
        if kind == "lstm":
            constant(at["i"], at["p"])
            constant(at["g"], at["p"])
            constant(at["f"], at["q"])
            constant(at["c"], at["q"], d=1)  # the memory c(t − 1)
            constant(at["p"], at["c"])
            constant(at["q"], at["c"])
            constant(at["c"], at["tc"])
            constant(at["o"], at["h"])
            constant(at["tc"], at["h"])
        elif kind == "gru":
            for v in L["h"]:
                edges[v, at["hn"]] = 0.0
                delays[v, at["hn"]] = 1
            if bias:
                edges[0, at["hn"]] = 0.0
            constant(at["r"], at["rh"])
            constant(at["hn"], at["rh"])
            constant(at["rh"], at["n"])
            constant(0, at["omz"])
            constant(at["z"], at["omz"], -1.0)
            constant(at["omz"], at["zn"])
            constant(at["n"], at["zn"])
            constant(at["z"], at["zh"])
            constant(at["h"], at["zh"], d=1)  # h(t − 1)
            constant(at["zn"], at["h"])
            constant(at["zh"], at["h"])
    kinds = {j: "hidden" for part in PARTS[kind] for j in L[part]}
    kinds.update(dict.fromkeys(L["x"], "input"))
    kinds.update(dict.fromkeys(L["h"], "output"))
    if L["one"]:
        constant(0, L["one"][0])
        kinds[L["one"][0]] = "hidden"
        activations[L["one"][0]] = "identity"
    return Blueprint(edges=edges, kinds=kinds, inputs=L["x"], outputs=L["h"],
                     activations=activations, aggregations=aggregations, frozen=frozen,
                     delays=delays), L


def torch_weights(kind, L, module):
    """``{(i, j): w}`` for a cell's own weights from a PyTorch RNN, LSTM or GRU module (its
    weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0), in float64."""
    def values(name):
        return getattr(module, name).detach().cpu().double().numpy()

    W_ih, W_hh = values("weight_ih_l0"), values("weight_hh_l0")
    H = len(L["h"])
    b_ih = values("bias_ih_l0") if module.bias else np.zeros(len(W_ih))
    b_hh = values("bias_hh_l0") if module.bias else np.zeros(len(W_ih))
    weights = {}
    for k, gate in enumerate(GATES[kind]):
        rows = slice(k * H, (k + 1) * H)
        for u, j in enumerate(L[gate]):
            for m, i in enumerate(L["x"]):
                weights[i, j] = W_ih[rows][u, m]
            target = L["hn"][u] if kind == "gru" and gate == "n" else j
            for v, i in enumerate(L["h"]):
                weights[i, target] = W_hh[rows][u, v]
            if module.bias:
                weights[0, j] = b_ih[rows][u]
                if kind == "gru" and gate == "n":
                    weights[0, target] = b_hh[rows][u]
                else:
                    weights[L["one"][0], j] = b_hh[rows][u]
    return {key: float(w) for key, w in weights.items()}


def _count(value, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < 1:
        raise NetworkError(f"{what} must be a whole number ≥ 1; received {describe(value)}")
    return int(value)
