"""Where everything stands in a network's picture: one geometry for every way of drawing it.

matplotlib (:mod:`.network`), TikZ (:mod:`.tikz`) and SVG (:mod:`.svg`) draw the same
picture from the same :class:`Geometry`: neurons in columns by depth, each edge a
quadratic Bézier curve — straight between neighbouring columns, bent away from the
middle of the picture when it skips columns — its weight written part-way along it.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import NetworkError, describe
from ..numbers import format_number
from .labels import Placer, Spot, along, around, text_size
from .layout import DY, network_layout

__all__ = ["Geometry", "geometry", "network_layout", "EM"]

RADIUS = 0.24
MAX_LABELLED_EDGES = 60
MAX_DRAWN_NEURONS = 5_000
MAX_DRAWN_EDGES = 200_000
"""Beyond these a picture is neither legible nor quick to draw: the drawing functions refuse."""
EM = 11.0 / (1.3 * 72)  # the font's size in layout units at most: 11 pt at 1.3 inches a unit
MAX_AVOIDED = 400  # curves are steered around neurons while the edges are at most this many
RING = 1.25  # a neuron's ring (batch norm, the step-through's highlight), in radii


@dataclass
class Curve:
    """An edge drawn from `a` through the Bézier control point to `b` (just outside the
    circles), with its label at parameter `t` (a point on the curve: :meth:`at`)."""

    a: np.ndarray
    control: np.ndarray
    b: np.ndarray
    t: float
    straight: bool

    def at(self, t):
        """The point at parameter t of the quadratic Bézier curve."""
        return (1 - t) ** 2 * self.a + 2 * (1 - t) * t * self.control + t ** 2 * self.b

    def tangent(self, t):
        """The curve's derivative at parameter t."""
        return 2 * (1 - t) * (self.control - self.a) + 2 * t * (self.b - self.control)

    def cubic(self):
        """The same curve's two cubic control points (for TikZ's ``.. controls ..``)."""
        return (self.a + 2 / 3 * (self.control - self.a),
                self.b + 2 / 3 * (self.control - self.b))


@dataclass
class Geometry:
    """A network's picture, measured.

    Attributes
    ----------
    where : dict
        ``{j: (x, y)}`` for every neuron (layout units; y grows upwards).
    shown : list
        The neurons drawn (neuron 0 only when the bias is drawn as a node).
    edges : list
        The edges drawn, (i, j), sorted.
    curves : dict
        ``{(i, j): Curve}``.
    radius : float
        The neurons' radius.
    label_weights : bool
        Whether weights are written on the edges.
    crowded : bool
        More edges than stay readable: thin lines, no arrowheads.
    largest : float
        The largest |w_ij| drawn (line widths are relative to it).
    tie_of : dict
        ``{(i, j): k}``: the tied group (numbered from 1) of each tied edge.
    groups : dict
        ``{name: [j, …]}``: the outputs of each group activation (softmax).
    w : dict
        ``{(i, j): w_ij}`` of the edges drawn.
    em : float
        The labels' font size in layout units, at most: the renderers write no larger.
    spots : dict
        Where each label stands, a :class:`~neurograph.drawing.labels.Spot` keyed
        ``("weight", i, j)``, ``("bias", j)``, ``("value", j)``, ``("delta", j)``,
        ``("aggregation", j)``, ``("bn", j)``, ``("group", name)``, ``("column", k)``
        and ``("note",)``; a label without a spot is left out.
    left_out : list
        The keys of the labels that found no free spot (the note says how many).
    column_em : float or None
        The font size of the column names, in layout units (None: no column names).
    delays : dict
        ``{(i, j): d}`` of the recurrent edges drawn (dotted, their label ending in "d=…";
        a self-loop is a loop under its neuron).
    """

    where: dict
    shown: list
    edges: list
    curves: dict
    radius: float
    label_weights: bool
    crowded: bool
    largest: float
    tie_of: dict
    groups: dict
    w: dict
    em: float = EM
    spots: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)
    column_em: float = None
    delays: dict = field(default_factory=dict)

    def bounds(self, margin=1.6):
        """(x0, x1, y0, y1) around everything drawn: the neurons (`margin` radii beyond
        them), the curves with their control points, and the labels."""
        xs = [self.where[j][0] for j in self.shown]
        ys = [self.where[j][1] for j in self.shown]
        pad = margin * self.radius
        x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
        for curve in self.curves.values():  # the cubic's control points, as TikZ bounds it
            for point in (curve.a, *curve.cubic(), curve.b):
                x0, x1 = min(x0, point[0]), max(x1, point[0])
                y0, y1 = min(y0, point[1]), max(y1, point[1])
        for spot in self.spots.values():
            bx0, bx1, by0, by1 = spot.box()
            x0, x1, y0, y1 = min(x0, bx0), max(x1, bx1), min(y0, by0), max(y1, by1)
        edge = 0.3 * self.radius
        return x0 - edge, x1 + edge, y0 - edge, y1 + edge

    def inches(self):
        """The picture's size in inches when it makes its own figure: about 1.3 inches a
        unit of layout, at most 14 × 11, at least 4 × 2.5."""
        x0, x1, y0, y1 = self.bounds()
        width, height = x1 - x0 + 0.4, y1 - y0 + 0.4
        scale = min(1.3, 14.0 / width, 11.0 / height)
        return max(width * scale, 4.0), max(height * scale, 2.5)

    def tag(self, i, j):
        """What an edge's label adds to the weight: its tied group " [k]" and its delay
        " d=…" (while the edges are few enough to label)."""
        if self.crowded:
            return ""
        tag = f" [{self.tie_of[i, j]}]" if (i, j) in self.tie_of else ""
        if (i, j) in self.delays:
            tag += f" d={self.delays[i, j]}"
        return tag

    def width(self, i, j):
        """The line width of edge (i, j), in points: 0.6 to 3 by |w_ij|."""
        return 0.6 + 2.4 * abs(self.w[i, j]) / self.largest

    def note(self):
        """What the picture says of the labels it left out ("" when none was)."""
        if not self.left_out:
            return ""
        kinds = sorted({key[0] for key in self.left_out})
        return (f"{len(self.left_out)} label{'s' * (len(self.left_out) > 1)} "
                f"({', '.join(kinds)}) left out: no free room")


def geometry(net, pos=None, bias="label", weights=None, *, values=None, digits=2, em=None,
             column_em=None, room=None, neurons=None, radius=None):
    """Measure `net`'s picture; the arguments are those of :func:`plot_network`.

    `em` is the labels' font size in layout units: by default 11 points at the scale of
    :meth:`Geometry.inches` (or less, where the neurons stand closer); "radius" for three
    quarters of the neurons' radius (TikZ and SVG write that large). `column_em` is that
    of the column names written when the ids are too small to read (None: no column
    names), `room` the texts to make room for,
    by label (``{("bias", 4): ["∂J/∂w_{0,4}=−0.0275"], ("value", 4): [], …}``: a
    step-through writes them there later; a value or delta key asks for that label
    even without `values`), `neurons` the ones to draw (default: all), `radius` "largest" for
    neurons as large as their spacing allows (a picture without labels on it; default: RADIUS
    at most).
    """
    if bias not in ("label", "node", "hide"):
        raise NetworkError(f"bias must be 'label', 'node' or 'hide'; received {describe(bias)}")
    if radius not in (None, "largest"):
        raise NetworkError(f"radius must be 'largest' or None; received {describe(radius)}")
    if neurons is None and (len(net.neurons) > MAX_DRAWN_NEURONS
                            or len(net.w) > MAX_DRAWN_EDGES):
        raise NetworkError(f"the network has {len(net.neurons):,} neurons and {len(net.w):,} "
                           f"weights: too many to draw legibly (at most {MAX_DRAWN_NEURONS:,} and "
                           f"{MAX_DRAWN_EDGES:,}); draw a smaller part of it")
    chosen = None if neurons is None else set(neurons) | {0}
    where = network_layout(net, chosen)
    where.update({j: xy for j, xy in _positions(pos, net).items() if chosen is None or j in chosen})
    chosen = set(where) if chosen is None else chosen
    shown = [j for j in where if (j != 0 or bias == "node") and j in chosen]
    edges = sorted((i, j) for i, j in net.edges(sort=False)
                   if (i != 0 or bias == "node") and i in chosen and j in chosen)
    label_weights = len(edges) <= MAX_LABELLED_EDGES if weights is None else bool(weights)
    radius = _spaced_radius(where, shown) if radius == "largest" else _radius(where, shown)
    w = {e: net.w[e] for e in edges}
    column = {x: k for k, x in enumerate(sorted({round(x, 6) for x, _ in where.values()}))}
    bends, curves = {}, {}
    # a curve that would pass over a neuron bends the other way, or further (few edges only)
    others = np.array([where[j] for j in shown]) if len(edges) <= MAX_AVOIDED else None
    delays = net.delays
    for i, j in edges:
        start, end = np.array(where[i]), np.array(where[j])
        if i == j:  # a recurrent self-loop: a loop under the neuron (its bias label is above)
            curves[i, j] = Curve(start + radius * np.array([-0.7, -0.8]),
                                 start + radius * np.array([0.0, -3.4]),
                                 start + radius * np.array([0.7, -0.95]), 0.5, False)
            continue
        span = abs(column[round(end[0], 6)] - column[round(start[0], 6)])
        if (i, j) in delays and span <= 1:  # bent wide, off the edges of one time step
            span = 2
        control, order = _control_point(start, end, i, span, bends)
        if others is not None and not straight_between(span, i):
            control = _clear(start, end, control, others, radius)
        # leave and enter each node along the curve's tangent, just outside the circle
        a = start + 1.08 * radius * _unit(control - start)
        b = end + 1.2 * radius * _unit(control - end)
        straight = not _curved(control, a, b)
        # labels on curves that bend alike start from different places along them
        curves[i, j] = Curve(a, control, b, 0.3 if straight else (0.5, 0.62, 0.38)[order % 3],
                             straight)
    groups = {}
    for j in net.outputs:
        g = net.neuron(j).activation
        if g.group and j in chosen:
            groups.setdefault(g.name, []).append(j)
    shape = Geometry(where, shown, edges, curves, radius, label_weights,
                     len(edges) > MAX_LABELLED_EDGES,
                     max((abs(v) for v in w.values()), default=1.0) or 1.0,
                     {edge: k for k, group in enumerate(net.ties, start=1) for edge in group},
                     groups, w, delays={e: d for e, d in delays.items() if e in curves})
    if em is None:  # 11 pt at the scale the picture's own figure will have
        inches = shape.inches()
        x0, x1, y0, y1 = shape.bounds()
        # (its Axes fills 0.775 × 0.77 of the figure: matplotlib's subplot margins)
        em = 11.0 / 72 * max((x1 - x0) / inches[0] / 0.775, (y1 - y0) / inches[1] / 0.77)
    shape.em = min(0.95 * radius, 0.75 * radius if em == "radius" else float(em))
    shape.column_em = column_em
    _place_labels(shape, net, bias, values, digits, column_em, room or {})
    return shape


def _place_labels(shape, net, bias, values, digits, column_em, room):
    """Every label's spot (see :class:`Geometry`), placed in order of how fixed it is."""
    r, em, where = shape.radius, shape.em, shape.where
    placer = Placer([(*where[j], RING * r) for j in shape.shown]
                    # a self-loop's loop under its neuron: labels keep off it too
                    + [(where[i][0], where[i][1] - 1.5 * r, 0.85 * r)
                       for i, j in shape.edges if i == j])
    spots, left_out = shape.spots, shape.left_out

    # points along every edge: a neuron's labels keep off the edges where they can
    on_edges = np.array([shape.curves[e].at(t) for e in shape.edges
                         for t in np.linspace(0.0, 1.0, 15)]).reshape(-1, 2)

    def put(key, text, candidates, size=0.8, pad=0.0, tag=""):
        sizes = [text_size(t, size * em) for t in [text, *(t + tag for t in room.get(key, ()))]]
        width = max(w for w, _ in sizes) + 2 * pad * size * em
        height = max(h for _, h in sizes) + 2 * pad * size * em
        avoid = on_edges if key[0] in ("value", "delta", "bias") else None
        spot = placer.place(candidates(width, height), width, height, text, avoid)
        if spot is None:
            left_out.append(key)
        else:
            spots[key] = spot

    for j in shape.shown:  # the marks Π, max and BN first: they have three spots each
        neuron, (x, y) = net.neuron(j), where[j]
        corner = RING * r
        if neuron.aggregation is not None and not neuron.aggregation.is_sum:
            put(("aggregation", j), neuron.aggregation.symbol, lambda wd, ht: [
                (x + corner + wd / 2, y - corner), (x + corner + wd / 2, y + corner),
                (x + corner + wd / 2, y)], size=0.75)
        if neuron.norm is not None:
            put(("bn", j), "BN", lambda wd, ht: [
                (x - corner - wd / 2, y - corner), (x - corner - wd / 2, y + corner),
                (x - corner - wd / 2, y)], size=0.75)
    if bias == "label":  # above its neuron, before the values take the room there
        for j in net.successors(0) if 0 in net.graph else ():
            if j in shape.shown and (shape.label_weights or ("bias", j) in room):
                x, y = where[j]
                put(("bias", j), f"w_{{0,{j}}}={format_number(net.w[0, j], digits)}",
                    lambda wd, ht: around(x, y, r, wd, ht, "above"))
    for j in shape.shown:
        if j == 0 or (values is None and ("value", j) not in room) or (
                values in ("in", "delta") and not net.neuron(j).is_processing):
            continue
        x, y = where[j]
        text = "" if values is None else _value_text(net, j, values, digits)
        put(("value", j), text, lambda wd, ht: around(x, y, r, wd, ht, "below"))
        if ("delta", j) in room and ("value", j) in spots:
            below = spots["value", j]
            put(("delta", j), "", lambda wd, ht: [(x, below.y - below.height / 2 - ht / 2),
                                                  *around(x, y, r, wd, ht, "below")])
    for name, members in shape.groups.items():
        xs = [where[j][0] for j in members]
        ys = [where[j][1] for j in members]
        bottom = min(ys) - 2.9 * r
        middle = (min(xs) + max(xs)) / 2
        put(("group", name), name,
            lambda wd, ht: [(middle, bottom - ht / 2 - k * ht) for k in range(4)], size=1.0)
    for i, j in shape.edges:
        tie = shape.tag(i, j)  # its tied group [k] and its delay d=…
        if shape.label_weights or tie:
            text = (format_number(shape.w[i, j], digits) if shape.label_weights else "") + tie
            curve = shape.curves[i, j]
            put(("weight", i, j), text.strip(), lambda wd, ht: along(curve, curve.t, ht),
                size=0.85, pad=0.12, tag=tie)  # the room's numbers keep the tag too
    if column_em is not None:
        _place_columns(shape, placer, column_em)
    if left_out:
        x0, x1, y0, _ = shape.bounds()
        width, height = text_size(shape.note(), 0.8 * em)
        spots["note",] = placer.take(Spot((x0 + x1) / 2, y0 - height, width, height,
                                          shape.note()))


def _place_columns(shape, placer, column_em):
    """Each column named by its ids under it ("65–94", or "30 neurons"), lower down where
    the name would run into its neighbour's."""
    columns = {}
    for j in shape.shown:
        columns.setdefault(round(shape.where[j][0], 6), []).append(j)
    bottom = min(shape.where[j][1] for j in shape.shown) - 2 * shape.radius
    for k, (x, ids) in enumerate(sorted(columns.items())):
        ids.sort()
        text = (f"{ids[0]}–{ids[-1]}" if ids == list(range(ids[0], ids[-1] + 1))
                else f"{len(ids)} neurons")
        if len(ids) == 1:
            text = str(ids[0])
        width, height = text_size(text, column_em)
        spot = placer.place([(x, bottom - height * (0.5 + 1.1 * row)) for row in range(4)],
                            width, height, text)
        if spot is None:
            shape.left_out.append(("column", k))
        else:
            shape.spots["column", k] = spot


def _value_text(net, j, values, digits):
    neuron = net.neuron(j)
    value = {"a": neuron.a, "in": neuron.in_, "delta": neuron.delta}[values]
    symbol = {"a": "a", "in": "in", "delta": "Δ"}[values]
    return f"{symbol}_{{{j}}}={format_number(value, digits)}"


def _positions(pos, net):
    if pos is None:
        return {}
    try:
        out = {j: (float(x), float(y)) for j, (x, y) in dict(pos).items()}
    except (TypeError, ValueError):
        raise NetworkError(f"pos must map neuron ids to (x, y) pairs; "
                           f"received {describe(pos)}") from None
    unknown = sorted(set(out) - set(net.graph))
    if unknown:
        raise NetworkError(f"pos names neurons {unknown} that the network does not have")
    return out


def _spaced_radius(where, shown):
    """The radius that puts the two closest neurons 2.5 radii apart (RADIUS for one neuron)."""
    points = np.array([where[j] for j in shown], dtype=float).reshape(-1, 2)
    closest = math.inf
    for k in range(len(points) - 1):  # a row at a time: memory grows with the neurons
        gaps = np.hypot(*(points[k + 1:] - points[k]).T)
        closest = min(closest, float(gaps[gaps > 0].min(initial=math.inf)))
    return RADIUS if closest == math.inf else 0.4 * closest


def _radius(where, shown):
    """Node radius: RADIUS, or less where neurons stand closer than 2.5 radii.

    The closest pair is found in a grid of cells as wide as RADIUS / 0.4: only pairs
    in neighbouring cells can be that close, so time and memory grow with the neurons.
    """
    cell = RADIUS / 0.4
    grid = {}
    for j in shown:
        x, y = where[j]
        grid.setdefault((math.floor(x / cell), math.floor(y / cell)), []).append((x, y))
    closest = math.inf
    for (cx, cy), points in grid.items():
        near = [p for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for p in grid.get((cx + dx, cy + dy), ())]
        for x, y in points:
            for u, v in near:
                gap = math.hypot(x - u, y - v)
                if 0 < gap < closest:
                    closest = gap
    return float(min(RADIUS, 0.4 * closest))


def _control_point(start, end, i, span, bends):
    """The Bézier control point and the edge's place among those bent alike.

    The midpoint for an edge between neighbouring columns; otherwise the edge is
    bent away from the middle of the picture, further for each such edge, but never
    further than half its length: the curve stays near the picture.
    """
    middle = (start + end) / 2
    if straight_between(span, i):
        return middle, 0
    direction = end - start
    length = np.hypot(*direction) or 1.0
    normal = np.array([-direction[1], direction[0]]) / length
    side = 1.0 if middle[1] >= 0 else -1.0
    if normal[1] * side < 0:
        normal = -normal
    key = (round(start[0], 6), round(end[0], 6), side)
    bends[key] = bends.get(key, 0) + 1
    height = (0.3 + 0.2 * (bends[key] - 1)) * max(span, 1) * min(DY, length / 3)
    return middle + normal * min(height, 0.5 * length), bends[key] - 1


def straight_between(span, i):
    """Whether an edge is drawn straight: between neighbouring columns, not from the bias."""
    return span == 1 and i != 0


def _clear(start, end, control, others, radius):
    """The control point itself if the curve keeps 1.6 radii from every neuron but its two
    ends; else the first that does among the curve mirrored and bent 1.5, 2 or 0.5 times
    as far (the curve given, if none does)."""
    middle = (start + end) / 2
    offset = control - middle
    t = np.linspace(0.08, 0.92, 24)[:, None]
    ends = np.hypot(*(others - start).T) > 1e-9, np.hypot(*(others - end).T) > 1e-9
    near = others[ends[0] & ends[1]]
    if not len(near):
        return control
    for factor in (1.0, -1.0, 1.5, -1.5, 2.0, -2.0, 0.5, -0.5):
        trial = middle + factor * offset
        points = (1 - t) ** 2 * start + 2 * (1 - t) * t * trial + t ** 2 * end
        gaps = np.hypot(points[:, None, 0] - near[None, :, 0],
                        points[:, None, 1] - near[None, :, 1])
        if gaps.min() > 1.6 * radius:
            return trial
    return control


def _curved(control, a, b):
    """Whether the control point lies off the chord a–b (a 2-D cross product)."""
    (u0, u1), (v0, v1) = b - a, control - a
    return abs(u0 * v1 - u1 * v0) > 1e-9


def _unit(v):
    return v / (np.hypot(*v) or 1.0)
