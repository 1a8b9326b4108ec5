"""The edge list: a network typed by hand, one edge ``i j w`` per line.

::

    # Lecture 07-2c ("#" starts a comment)
    activation logistic      # g of every processing neuron (the default)
    activation 5 identity    # g of one neuron
    inputs 1 2               # optional: the inputs in the order of x
    outputs 5                # optional: the outputs in the order of y
    hidden 3 4               # optional: hidden neurons (needed only for one without edges)
    frozen 1 3               # optional: hold w_1,3 fixed
    aggregation 3 max        # optional: in_3 = max_i w_i3 a_i (or product)
    batchnorm 4 gamma=1.5 beta=0   # optional: normalize a_4 (any of gamma, beta, eps,
                                   # momentum, running_mean, running_var)
    tie 1 3 2 4              # optional: edges (1, 3) and (2, 4) share one weight
    delay 3 3 1              # optional: edge (3, 3) reads a_3(t − 1) (a recurrent edge)
    0 3 5
    1 3 1
    2 3 -2

Ids are written in ASCII digits, weights and batch-norm values as ASCII numbers
(``-1.5e-3``; :func:`~neurograph.checks.parse_real`). A line may not set again what an
earlier one set (an edge, a neuron's activation, aggregation or batch norm, the inputs,
the outputs, the default activation).

Without ``inputs``, the inputs are the ids other than 0 with no incoming edge;
without ``outputs``, the processing neurons with no outgoing edge (as
:meth:`Network.from_weights` decides them). The model checks what the text describes
by the same rules as every network.
"""

import math
from collections import Counter

from ..checks import MAX_DELAY, MAX_ID, parse_real, weight
from ..errors import NetworkError, excerpt
from .fields import NORM_FIELDS

__all__ = ["contents", "format_edge_list"]


class _LineError(ValueError):
    """What is wrong with one line; the caller adds the line's number."""


def contents(text, source="the edge list"):
    """The parts of the network an edge list describes, as the model's Blueprint takes them.

    Kinds, inputs and outputs the text leaves out are left for the model's one set of
    defaults (inputs: no incoming edge; outputs: no outgoing edge).
    """
    state = {"default": "logistic", "overrides": {}, "inputs": None, "outputs": None,
             "hidden": [], "edges": {}, "frozen": set(), "aggregations": {}, "norms": {},
             "ties": [], "given": {}, "delays": {}}
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split("#", 1)[0].split()
        if words:
            try:
                _read_line(words, number, state)
            except _LineError as error:
                raise NetworkError(f"{source}: line {number}: {error}: "
                                   f"{raw.strip()[:60]!r}") from None
    edges = state["edges"]
    for (i, j), (number, w_ij) in edges.items():  # within the bound every weight keeps
        try:
            weight(w_ij, f"the weight of edge ({i}, {j})")
        except NetworkError as error:
            raise NetworkError(f"{source}: line {number}: {error}") from None
    if not edges and state["inputs"] is None and state["outputs"] is None \
            and not state["hidden"]:
        raise NetworkError(f"{source}: no edges; expected lines 'i j w'")
    return dict(edges={edge: w for edge, (_, w) in edges.items()},
                hints=dict.fromkeys(state["hidden"], "hidden"), inputs=state["inputs"],
                outputs=state["outputs"], activation=state["default"],
                activations=state["overrides"], frozen=state["frozen"], source=source,
                aggregations=state["aggregations"], norms=state["norms"], ties=state["ties"],
                delays={edge: d for edge, (_, d) in state["delays"].items()},
                place_of=lambda edge: f"line {edges[edge][0]}")


def _read_line(words, number, state):
    head = words[0]
    if head == "activation":
        if len(words) == 2:
            _once(state, number, "the default activation")
            state["default"] = words[1]
        elif len(words) == 3:
            j = _integer(words[1])
            _once(state, number, f"neuron {j}'s activation")
            state["overrides"][j] = words[2]
        else:
            raise _LineError("expected 'activation NAME' or 'activation J NAME'")
    elif head in ("inputs", "outputs"):
        _once(state, number, f"the {head}")
        state[head] = [_integer(word) for word in words[1:]]
    elif head == "hidden":
        state["hidden"] += [_integer(word) for word in words[1:]]
    elif head == "frozen":
        if len(words) != 3:
            raise _LineError("expected 'frozen I J'")
        state["frozen"].add((_integer(words[1]), _integer(words[2])))
    elif head == "aggregation":
        if len(words) != 3:
            raise _LineError("expected 'aggregation J NAME'")
        j = _integer(words[1])
        _once(state, number, f"neuron {j}'s aggregation")
        state["aggregations"][j] = words[2]
    elif head == "batchnorm":
        if len(words) < 2:
            raise _LineError("expected 'batchnorm J' and optional NAME=VALUE pairs")
        j = _integer(words[1])
        _once(state, number, f"neuron {j}'s batch norm")
        settings = {}
        for word in words[2:]:
            name, value = _setting(word)
            if name in settings:
                raise _LineError(f"{name} is given twice")
            settings[name] = value
        state["norms"][j] = settings
    elif head == "tie":
        if len(words) < 5 or len(words) % 2 == 0:
            raise _LineError("expected 'tie I J I J …' (two edges or more)")
        ids = [_integer(word) for word in words[1:]]
        state["ties"].append(list(zip(ids[::2], ids[1::2])))
    elif head == "delay":
        if len(words) != 4:
            raise _LineError("expected 'delay I J D' (D ≥ 1 time steps)")
        key = (_integer(words[1]), _integer(words[2]))
        if key in state["delays"]:
            raise _LineError(f"edge {key}'s delay is given twice (first on line "
                             f"{state['delays'][key][0]})")
        d = words[3]
        if not (d.isascii() and d.isdigit() and len(d) <= 7 and 1 <= int(d) <= MAX_DELAY):
            raise _LineError(f"expected a delay D, a whole number from 1 to {MAX_DELAY}; "
                             f"received {excerpt(d, 30)!r}")
        state["delays"][key] = (number, int(d))
    else:
        if len(words) != 3:
            raise _LineError("expected an edge 'i j w' (or activation, inputs, outputs, hidden, "
                             "frozen, aggregation, batchnorm, tie, delay)")
        i, j = _integer(words[0]), _integer(words[1])
        w_ij = _number(words[2], f"the weight {excerpt(words[2], 30)!r}")
        if (i, j) in state["edges"]:
            raise _LineError(f"edge ({i}, {j}) is given twice (first on line "
                             f"{state['edges'][i, j][0]})")
        state["edges"][i, j] = (number, w_ij)


def _once(state, number, what):
    """Refuse a second line setting `what` (the last would silently win, as a second line for
    an edge would)."""
    first = state["given"].setdefault(what, number)
    if first != number:
        raise _LineError(f"{what} is given twice (first on line {first})")


def _setting(word):
    name, _, value = word.partition("=")
    if name not in NORM_FIELDS:
        raise _LineError(f"expected NAME=VALUE with NAME one of {', '.join(NORM_FIELDS)}; "
                         f"received {word[:30]!r}")
    return name, _number(value, f"{name}={excerpt(value, 30)!r}")


def _number(word, quoted):
    """The finite number `word` writes in ASCII digits (:func:`~neurograph.checks.parse_real`);
    `quoted` names it in a message."""
    try:
        number = parse_real(word)
    except NetworkError:
        raise _LineError(f"{quoted} is not a number written in ASCII digits (such as "
                         f"-1.5e-3)") from None
    if not math.isfinite(number):
        raise _LineError(f"{quoted} is not finite")
    return number


def _integer(word):
    """A neuron id: ASCII digits only (``str.isdigit`` alone would let ``³`` through, which
    int() refuses), at most :data:`~neurograph.checks.MAX_ID`."""
    if not (word.isascii() and word.isdigit() and len(word) <= 10 and int(word) <= MAX_ID):
        raise _LineError(f"expected a neuron id, an integer from 0 to {MAX_ID}; received "
                         f"{excerpt(word, 30)!r}")
    return int(word)


def format_edge_list(doc):
    """The edge list of a document, read back exactly by :func:`contents`."""
    names = {n["id"]: n["activation"] for n in doc["neurons"] if "activation" in n}
    default = Counter(names.values()).most_common(1)[0][0] if names else "logistic"
    hidden = [n["id"] for n in doc["neurons"] if n["kind"] == "hidden"]
    lines = ["# neurograph edge list: one edge 'i j w_ij' per line", f"activation {default}"]
    lines += [f"activation {j} {name}" for j, name in sorted(names.items()) if name != default]
    lines += ["inputs " + " ".join(map(str, doc["inputs"])),
              "outputs " + " ".join(map(str, doc["outputs"]))]
    if hidden:
        lines.append("hidden " + " ".join(map(str, hidden)))
    for n in doc["neurons"]:
        if "aggregation" in n:
            lines.append(f"aggregation {n['id']} {n['aggregation']}")
        if "batch_norm" in n:
            lines.append(f"batchnorm {n['id']} " + " ".join(
                f"{name}={float(value)!r}" for name, value in n["batch_norm"].items()))
    lines += ["tie " + " ".join(f"{i} {j}" for i, j in group) for group in doc.get("ties", [])]
    edges = doc["edges"]
    lines += [f"frozen {e['from']} {e['to']}" for e in edges if e.get("frozen")]
    lines += [f"delay {e['from']} {e['to']} {e['delay']}" for e in edges if "delay" in e]
    lines += [f"{e['from']} {e['to']} {float(e['weight'])!r}" for e in edges]
    return "\n".join(lines) + "\n"
