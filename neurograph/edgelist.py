"""The edge list: a network typed by hand, one edge ``i j w`` per line.

::

    # seed 001, Lecture 07-2c ("#" starts a comment)
    activation logistic      # g of every processing neuron (the default)
    activation 5 identity    # g of one neuron
    inputs 1 2               # optional: the inputs in the order of x
    outputs 5                # optional: the outputs in the order of y
    frozen 1 3               # optional: hold w_1,3 fixed
    0 3 5
    1 3 1
    2 3 -2

Without ``inputs``, the inputs are the ids other than 0 with no incoming edge;
without ``outputs``, the processing neurons with no outgoing edge (as
:meth:`Network.from_weights` decides them).
"""

import math
from collections import Counter

from .errors import NetworkError
from .io import FORMAT, VERSION

__all__ = ["parse_edge_list", "format_edge_list"]


class _LineError(ValueError):
    """What is wrong with one line; the caller adds the line's number."""


def parse_edge_list(text, source="the edge list"):
    """The document (see :func:`neurograph.io.to_document`) an edge list describes."""
    state = {"default": "logistic", "overrides": {}, "inputs": None, "outputs": None,
             "edges": [], "frozen": set(), "seen": {}}
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if words:
            try:
                _read_line(words, number, state)
            except _LineError as error:
                raise NetworkError(f"{source}: line {number}: {error}: {raw.strip()!r}") from None
    return _document(state, source)


def _read_line(words, number, state):
    head = words[0]
    if head == "activation":
        if len(words) == 2:
            state["default"] = words[1]
        elif len(words) == 3:
            state["overrides"][_integer(words[1])] = words[2]
        else:
            raise _LineError("expected 'activation NAME' or 'activation J NAME'")
    elif head in ("inputs", "outputs"):
        state[head] = [_integer(word) for word in words[1:]]
    elif head == "frozen":
        if len(words) != 3:
            raise _LineError("expected 'frozen I J'")
        state["frozen"].add((_integer(words[1]), _integer(words[2])))
    else:
        if len(words) != 3:
            raise _LineError("expected an edge 'i j w' (or activation, inputs, outputs, frozen)")
        i, j = _integer(words[0]), _integer(words[1])
        try:
            w_ij = float(words[2])
        except ValueError:
            raise _LineError(f"the weight {words[2]!r} is not a number") from None
        if not math.isfinite(w_ij):
            raise _LineError(f"the weight {words[2]!r} is not finite")
        if (i, j) in state["seen"]:
            raise _LineError(f"edge ({i}, {j}) is given twice (first on line "
                             f"{state['seen'][i, j]})")
        state["seen"][i, j] = number
        state["edges"].append((i, j, w_ij))


def _integer(word):
    try:
        return int(word)
    except ValueError:
        raise _LineError(f"{word!r} is not a neuron id") from None


def _document(state, source):
    edges, inputs, outputs = state["edges"], state["inputs"], state["outputs"]
    default, overrides, frozen = state["default"], state["overrides"], state["frozen"]
    if not edges:
        raise NetworkError(f"{source}: no edges; expected lines 'i j w'")
    ids = {0} | {i for i, _, _ in edges} | {j for _, j, _ in edges} | set(inputs or ()) \
        | set(outputs or ())
    has_in = {j for _, j, _ in edges}
    has_out = {i for i, _, _ in edges}
    if inputs is None:
        inputs = sorted(j for j in ids if j != 0 and j not in has_in)
    if outputs is None:
        outputs = sorted(j for j in ids if j != 0 and j not in inputs and j not in has_out)
    neurons = [{"id": 0, "kind": "bias"}]
    for j in sorted(ids - {0}):
        kind = "input" if j in inputs else "output" if j in outputs else "hidden"
        neurons.append({"id": j, "kind": kind} if kind == "input" else
                       {"id": j, "kind": kind, "activation": overrides.get(j, default)})
    for j in set(overrides) - {n["id"] for n in neurons if "activation" in n}:
        raise NetworkError(f"{source}: 'activation {j} …' names neuron {j}, which is not a "
                           f"processing neuron")
    missing = frozen - set(state["seen"])
    if missing:
        raise NetworkError(f"{source}: 'frozen' names edges that are not listed: "
                           f"{sorted(missing)}")
    return {"format": FORMAT, "version": VERSION, "neurons": neurons, "inputs": inputs,
            "outputs": outputs,
            "edges": [{"from": i, "to": j, "weight": w,
                       **({"frozen": True} if (i, j) in frozen else {})} for i, j, w in edges]}


def format_edge_list(net):
    """The edge list of `net`, read back exactly by :func:`parse_edge_list`."""
    names = {n.id: n.activation.name for n in net.neurons if n.activation is not None}
    default = Counter(names.values()).most_common(1)[0][0] if names else "logistic"
    lines = ["# neurograph edge list: one edge 'i j w_ij' per line", f"activation {default}"]
    lines += [f"activation {j} {name}" for j, name in sorted(names.items()) if name != default]
    lines += ["inputs " + " ".join(map(str, net.inputs)),
              "outputs " + " ".join(map(str, net.outputs))]
    lines += [f"frozen {i} {j}" for i, j in net.frozen]
    lines += [f"{i} {j} {w_ij!r}" for (i, j), w_ij in net.w.items()]
    return "\n".join(lines) + "\n"
