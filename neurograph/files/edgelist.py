"""The edge list: a network typed by hand, one edge ``i j w`` per line.

::

    # seed 001, Lecture 07-2c ("#" starts a comment)
    activation logistic      # g of every processing neuron (the default)
    activation 5 identity    # g of one neuron
    inputs 1 2               # optional: the inputs in the order of x
    outputs 5                # optional: the outputs in the order of y
    hidden 3 4               # optional: hidden neurons (needed only for one without edges)
    frozen 1 3               # optional: hold w_1,3 fixed
    0 3 5
    1 3 1
    2 3 -2

Without ``inputs``, the inputs are the ids other than 0 with no incoming edge;
without ``outputs``, the processing neurons with no outgoing edge (as
:meth:`Network.from_weights` decides them). The text becomes a document (see
:mod:`neurograph.files.document`) and is checked as every network is.
"""

import math
from collections import Counter

from ..checks import MAX_ID
from ..errors import NetworkError
from .document import FORMAT, VERSION

__all__ = ["parse_edge_list", "format_edge_list"]


class _LineError(ValueError):
    """What is wrong with one line; the caller adds the line's number."""


def parse_edge_list(text, source="the edge list"):
    """(document, lines): the document an edge list describes, and each edge's line number."""
    state = {"default": "logistic", "overrides": {}, "inputs": None, "outputs": None,
             "hidden": [], "edges": {}, "frozen": set()}
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if words:
            try:
                _read_line(words, number, state)
            except _LineError as error:
                raise NetworkError(f"{source}: line {number}: {error}: "
                                   f"{raw.strip()[:60]!r}") from None
    return _document(state, source), [number for number, _ in state["edges"].values()]


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
    elif head == "hidden":
        state["hidden"] += [_integer(word) for word in words[1:]]
    elif head == "frozen":
        if len(words) != 3:
            raise _LineError("expected 'frozen I J'")
        state["frozen"].add((_integer(words[1]), _integer(words[2])))
    else:
        if len(words) != 3:
            raise _LineError("expected an edge 'i j w' (or activation, inputs, outputs, hidden, "
                             "frozen)")
        i, j = _integer(words[0]), _integer(words[1])
        try:
            w_ij = float(words[2])
        except ValueError:
            raise _LineError(f"the weight {words[2][:30]!r} is not a number") from None
        if not math.isfinite(w_ij):
            raise _LineError(f"the weight {words[2][:30]!r} is not finite")
        if (i, j) in state["edges"]:
            raise _LineError(f"edge ({i}, {j}) is given twice (first on line "
                             f"{state['edges'][i, j][0]})")
        state["edges"][i, j] = (number, w_ij)


def _integer(word):
    if not word.isdigit() or len(word) > 10 or int(word) > MAX_ID:
        raise _LineError(f"expected a neuron id, an integer from 0 to {MAX_ID}; received "
                         f"{word[:30]!r}")
    return int(word)


def _document(state, source):
    edges, inputs, outputs = state["edges"], state["inputs"], state["outputs"]
    default, overrides, frozen = state["default"], state["overrides"], state["frozen"]
    if not edges and inputs is None and outputs is None and not state["hidden"]:
        raise NetworkError(f"{source}: no edges; expected lines 'i j w'")
    ids = {0, *state["hidden"], *(inputs or ()), *(outputs or ())}
    has_in, has_out = set(), set()
    for i, j in edges:
        ids.update((i, j))
        has_in.add(j)
        has_out.add(i)
    hidden = set(state["hidden"])
    if inputs is None:
        inputs = sorted(j for j in ids if j != 0 and j not in has_in and j not in hidden)
    if outputs is None:
        outputs = sorted(j for j in ids if j != 0 and j not in inputs and j not in has_out
                         and j not in hidden)
    input_set, output_set = set(inputs), set(outputs)
    neurons = [{"id": 0, "kind": "bias"}]
    for j in sorted(ids - {0}):
        kind = "input" if j in input_set else "output" if j in output_set else "hidden"
        neurons.append({"id": j, "kind": kind} if kind == "input" else
                       {"id": j, "kind": kind, "activation": overrides.get(j, default)})
    for j in set(overrides) - {n["id"] for n in neurons if "activation" in n}:
        raise NetworkError(f"{source}: 'activation {j} …' names neuron {j}, which is not a "
                           f"processing neuron")
    missing = frozen - set(edges)
    if missing:
        raise NetworkError(f"{source}: 'frozen' names edges that are not listed: "
                           f"{sorted(missing)[:5]}")
    return {"format": FORMAT, "version": VERSION, "neurons": neurons, "inputs": inputs,
            "outputs": outputs,
            "edges": [{"from": i, "to": j, "weight": w,
                       **({"frozen": True} if (i, j) in frozen else {})}
                      for (i, j), (_, w) in edges.items()]}


def format_edge_list(doc):
    """The edge list of a document, read back exactly by :func:`parse_edge_list`."""
    names = {n["id"]: n["activation"] for n in doc["neurons"] if "activation" in n}
    default = Counter(names.values()).most_common(1)[0][0] if names else "logistic"
    hidden = [n["id"] for n in doc["neurons"] if n["kind"] == "hidden"]
    lines = ["# neurograph edge list: one edge 'i j w_ij' per line", f"activation {default}"]
    lines += [f"activation {j} {name}" for j, name in sorted(names.items()) if name != default]
    lines += ["inputs " + " ".join(map(str, doc["inputs"])),
              "outputs " + " ".join(map(str, doc["outputs"]))]
    if hidden:
        lines.append("hidden " + " ".join(map(str, hidden)))
    edges = doc["edges"]
    lines += [f"frozen {e['from']} {e['to']}" for e in edges if e.get("frozen")]
    lines += [f"{e['from']} {e['to']} {float(e['weight'])!r}" for e in edges]
    return "\n".join(lines) + "\n"
