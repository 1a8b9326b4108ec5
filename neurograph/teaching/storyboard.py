"""An explanation as a sequence of scenes on the network's picture.

Each step of the hand calculation becomes a scene: the neurons and edges it is
about (highlighted) and the labels it writes on the picture — a_j under neuron j
as forward propagation reaches it, Δ_j under that as backpropagation does,
∂J/∂w_ij and then the new w_ij on the edge. The Beamer frames (:mod:`.slides`) and
the step-through page (:mod:`.page`) both play these scenes.
"""

import re
from dataclasses import dataclass

__all__ = ["Label", "Scene", "scenes", "room"]

NEURON_STEP = re.compile(r"^(in|a|â|Δ|ρ̂)_(\d+)$|^g′\(in_(\d+)\)$|^y − a_(\d+)$|^∂â_(\d+)/∂a_\d+$")
EDGE_STEP = re.compile(r"^(dJ/dw|w)_(\d+),(\d+)$")


@dataclass(frozen=True)
class Label:
    """A label written on the picture.

    place is ("value", j) under neuron j (in_j, then a_j, then â_j), ("delta", j) under
    that, ("edge", i, j) on the edge, or ("bias", j) above neuron j (the bias weight
    w_0j, when the bias is written as a label); base and sub make its symbol (``a``,
    ``3``); value is the number.
    """

    place: tuple
    base: str
    sub: str
    value: float


@dataclass(frozen=True)
class Scene:
    """One step on the picture: what it highlights and what it writes."""

    index: int
    step: object
    neurons: tuple
    edges: tuple
    labels: tuple


def scenes(explanation):
    """The explanation's steps as :class:`Scene` objects, in order."""
    net = explanation.network
    out = []
    for index, step in enumerate(explanation.steps):
        neurons, edges, labels = _staging(net, step)
        out.append(Scene(index, step, neurons, edges, labels))
    return out


def room(explanation):
    """``{label key: [text, …]}``: what each place of the picture will show, in plain text
    (``_{…}`` for a subscript), keyed as :class:`~neurograph.drawing.geometry.Geometry`
    keys its labels, so that the picture makes room for the longest.

    On an edge only the number (∂J/∂w_ij, then the new w_ij: the section says which);
    elsewhere the symbol too — ∂J/∂w_0,j and w_0,j share the place above neuron j.
    """
    precision, out = explanation.precision, {}
    for scene in scenes(explanation):
        for label in scene.labels:
            kind, *ids = label.place
            number = precision.format(label.value)
            if kind == "edge":
                out.setdefault(("weight", *ids), []).append(number)
            else:
                out.setdefault((kind, *ids), []).append(f"{label.base}_{{{label.sub}}}={number}")
    return out


def _staging(net, step):
    """(neurons, edges, labels) of one step."""
    found = EDGE_STEP.match(step.name)
    if found:
        what, i, j = found.group(1), int(found.group(2)), int(found.group(3))
        place = ("bias", j) if i == 0 else ("edge", i, j)
        base = "∂J/∂w" if what == "dJ/dw" else "w"
        return (i, j), ((i, j),), (Label(place, base, f"{i},{j}", step.value),)
    found = NEURON_STEP.match(step.name)
    if found:
        symbol = found.group(1)
        j = int(next(g for g in found.groups()[1:] if g is not None))
        if symbol in ("in", "a", "â"):
            edges = tuple((i, j) for i in net.predecessors(j)) if symbol == "in" else ()
            label = Label(("value", j), symbol, str(j), step.value)
            return (j,), edges, (label,) if j != 0 else ()
        if symbol == "Δ":
            edges = tuple((j, k) for k in net.successors(j))
            return (j,), edges, (Label(("delta", j), "Δ", str(j), step.value),)
        return (j,), (), ()
    if step.name == "ℓ":
        return tuple(net.outputs), (), ()
    return (), (), ()
