"""An explanation as a sequence of scenes on the network's picture.

Each step of the hand calculation becomes a scene: the neurons and edges it is
about (highlighted) and the labels it writes on the picture — a_j under neuron j
as forward propagation reaches it, Δ_j under that as backpropagation does,
∂J/∂w_ij and then the new w_ij on the edge. The Beamer frames (:mod:`.slides`) and
the step-through page (:mod:`.page`) both play these scenes.
"""

import re
from dataclasses import dataclass

__all__ = ["Label", "Scene", "scenes", "room", "default_title"]

NEURON_STEP = re.compile(r"^(in|a|â|Δ|ρ̂)_(\d+)$|^g′\(in_(\d+)\)$|^y − a_(\d+)$|^∂â_(\d+)/∂a_\d+$")
EDGE_STEP = re.compile(r"^(dJ/dw|w)_(\d+),(\d+)$")
TIMED = re.compile(r"^(.+)\((\d+)\)$")
"""A step of a sequence (:func:`~neurograph.teaching.sequence_steps.explain_sequence`):
its name and the time step t it belongs to, ``a_3(2)``."""


@dataclass(frozen=True)
class Label:
    """A label written on the picture.

    place is ("value", j) under neuron j (in_j, then a_j, then â_j), ("delta", j) under
    that, ("edge", i, j) on the edge, or ("bias", j) above neuron j (the bias weight
    w_0j, when the bias is written as a label); base and sub make its symbol (``a``,
    ``3``); value is the number; time is the time step t of a sequence's value, written
    a_3(t) (None: no time).
    """

    place: tuple
    base: str
    sub: str
    value: float
    time: int = None

    def symbol(self):
        """Its symbol in plain text, ``_{…}`` for the subscript: ``a_{3}``, ``Δ_{5}(2)``."""
        return f"{self.base}_{{{self.sub}}}" + ("" if self.time is None else f"({self.time})")


@dataclass(frozen=True)
class Scene:
    """One step on the picture: what it highlights and what it writes, and the time step t
    it belongs to in a sequence (None: no time, or not a sequence)."""

    index: int
    step: object
    neurons: tuple
    edges: tuple
    labels: tuple
    time: int = None


def scenes(explanation):
    """The explanation's steps as :class:`Scene` objects, in order."""
    net = explanation.network
    out = []
    for index, step in enumerate(explanation.steps):
        timed = TIMED.match(step.name)
        name, time = (timed.group(1), int(timed.group(2))) if timed else (step.name, None)
        neurons, edges, labels = _staging(net, name, step.value, time)
        out.append(Scene(index, step, neurons, edges, labels, time))
    return out


def default_title(explanation):
    """The page's and the slides' title when none is given: backpropagation through time
    for a sequence's steps, else forward and backpropagation."""
    if any(TIMED.match(step.name) for step in explanation.steps):
        return "Backpropagation through time, step by step"
    return "Forward and backpropagation, step by step"


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
                out.setdefault((kind, *ids), []).append(f"{label.symbol()}={number}")
    return out


def _staging(net, name, value, time):
    """(neurons, edges, labels) of the step `name` (its time step cut off) of `value`."""
    found = EDGE_STEP.match(name)
    if found:
        what, i, j = found.group(1), int(found.group(2)), int(found.group(3))
        place = ("bias", j) if i == 0 else ("edge", i, j)
        base = "∂J/∂w" if what == "dJ/dw" else "w"
        return (i, j), ((i, j),), (Label(place, base, f"{i},{j}", value),)
    found = NEURON_STEP.match(name)
    if found:
        symbol = found.group(1)
        j = int(next(g for g in found.groups()[1:] if g is not None))
        if symbol in ("in", "a", "â"):
            edges = tuple((i, j) for i in net.predecessors(j)) if symbol == "in" else ()
            label = Label(("value", j), symbol, str(j), value, time)
            return (j,), edges, (label,) if j != 0 else ()
        if symbol == "Δ":
            edges = tuple((j, k) for k in net.successors(j))
            return (j,), edges, (Label(("delta", j), "Δ", str(j), value, time),)
        return (j,), (), ()
    if name == "ℓ":
        return tuple(net.outputs), (), ()
    return (), (), ()
