"""Where everything stands in a network's picture: one geometry for every way of drawing it.

matplotlib (:mod:`.network`), TikZ (:mod:`.tikz`) and SVG (:mod:`.svg`) draw the same
picture from the same :class:`Geometry`: neurons in columns by depth, each edge a
quadratic Bézier curve — straight between neighbouring columns, bent away from the
middle of the picture when it skips columns — its weight written part-way along it.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import NetworkError, describe

__all__ = ["Geometry", "geometry", "network_layout"]

RADIUS, DX, DY = 0.24, 1.9, 1.25
MAX_ROWS = 10  # taller columns are packed closer, and the columns spread wider
MAX_LABELLED_EDGES = 60
MAX_DRAWN_NEURONS = 5_000
MAX_DRAWN_EDGES = 200_000
"""Beyond these a picture is neither legible nor quick to draw: the drawing functions refuse."""


def network_layout(net):
    """Positions {j: (x, y)}: columns by topological depth, neuron 1 on top.

    Inputs make the first column and outputs the last; every other neuron stands
    one column right of its deepest source. The bias neuron 0 sits under the inputs.
    Columns of more than ten neurons are packed closer and spread further apart,
    so that a large network still makes a picture about as wide as it is tall; a recurrent
    network's rows stand further apart, leaving room for its delay edges.

    Examples
    --------
    >>> import neurograph as ng
    >>> where = ng.network_layout(ng.Network.layered([2, 2, 1], seed=0))
    >>> where[1], where[5]
    ((0.0, 0.625), (3.8, 0.0))
    """
    depth = dict(net.plan().depth)
    last = max([depth[k] for k in net.outputs] + [1])
    for k in net.outputs:
        depth[k] = last
    columns = {}
    for j in sorted(depth):
        columns.setdefault(depth[j], []).append(j)
    rows = max(len(ids) for ids in columns.values())
    dy = DY * min(1.0, MAX_ROWS / rows)
    if net.delays:  # room for the recurrent edges and loops between the neurons of a column
        dy *= 1.6
    dx = max(DX, 0.9 * rows * dy / max(len(columns) - 1, 1))
    pos = {}
    for d, ids in columns.items():
        for row, j in enumerate(ids):
            pos[j] = (d * dx, ((len(ids) - 1) / 2 - row) * dy)
    inputs = columns.get(0, [])
    pos[0] = (0.0, ((len(inputs) - 1) / 2 - len(inputs)) * dy)
    return pos


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
    delays : dict
        ``{(i, j): d}`` of the recurrent edges drawn (dotted, their label ending in "d=…";
        a self-loop is a loop above its neuron).
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
    delays: dict = None

    def bounds(self, margin=4.0):
        """(x0, x1, y0, y1) around the shown neurons, `margin` radii beyond them."""
        xs = [self.where[j][0] for j in self.shown]
        ys = [self.where[j][1] for j in self.shown]
        pad = margin * self.radius
        return min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad

    def tag(self, i, j):
        """What an edge's label adds to the weight: its tied group " [k]" and its delay
        " d=…" (while the edges are few enough to label)."""
        if self.crowded:
            return ""
        tag = f" [{self.tie_of[i, j]}]" if (i, j) in self.tie_of else ""
        if self.delays and (i, j) in self.delays:
            tag += f" d={self.delays[i, j]}"
        return tag

    def width(self, i, j):
        """The line width of edge (i, j), in points: 0.6 to 3 by |w_ij|."""
        return 0.6 + 2.4 * abs(self.w[i, j]) / self.largest


def geometry(net, pos=None, bias="label", weights=None):
    """Measure `net`'s picture; the arguments are those of :func:`plot_network`."""
    if bias not in ("label", "node", "hide"):
        raise NetworkError(f"bias must be 'label', 'node' or 'hide'; received {describe(bias)}")
    if len(net.neurons) > MAX_DRAWN_NEURONS or len(net.w) > MAX_DRAWN_EDGES:
        raise NetworkError(f"the network has {len(net.neurons):,} neurons and {len(net.w):,} "
                           f"weights: too many to draw legibly (at most {MAX_DRAWN_NEURONS:,} and "
                           f"{MAX_DRAWN_EDGES:,}); draw a smaller part of it")
    where = network_layout(net)
    where.update(_positions(pos, net))
    shown = [j for j in where if j != 0 or bias == "node"]
    edges = sorted((i, j) for i, j in net.edges(sort=False) if i != 0 or bias == "node")
    label_weights = len(edges) <= MAX_LABELLED_EDGES if weights is None else bool(weights)
    radius = _radius(where, shown)
    w = {e: net.w[e] for e in edges}
    delays = net.delays
    column = {x: k for k, x in enumerate(sorted({round(x, 6) for x, _ in where.values()}))}
    bends, curves = {}, {}
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
        # leave and enter each node along the curve's tangent, just outside the circle
        a = start + 1.08 * radius * _unit(control - start)
        b = end + 1.2 * radius * _unit(control - end)
        straight = not _curved(control, a, b)
        # labels on curves that bend alike stand at different places along them
        curves[i, j] = Curve(a, control, b, 0.3 if straight else (0.5, 0.62, 0.38)[order % 3],
                             straight)
    groups = {}
    for j in net.outputs:
        g = net.neuron(j).activation
        if g.group:
            groups.setdefault(g.name, []).append(j)
    shape = Geometry(where, shown, edges, curves, radius, label_weights,
                     len(edges) > MAX_LABELLED_EDGES,
                     max((abs(v) for v in w.values()), default=1.0) or 1.0,
                     {edge: k for k, group in enumerate(net.ties, start=1) for edge in group},
                     groups, w, {e: d for e, d in delays.items() if e in curves})
    return shape


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
    bent away from the middle of the picture, further for each such edge.
    """
    middle = (start + end) / 2
    if span == 1 and i != 0:
        return middle, 0
    direction = end - start
    normal = np.array([-direction[1], direction[0]]) / (np.hypot(*direction) or 1.0)
    side = 1.0 if middle[1] >= 0 else -1.0
    if normal[1] * side < 0:
        normal = -normal
    key = (round(start[0], 6), round(end[0], 6), side)
    bends[key] = bends.get(key, 0) + 1
    height = (0.3 + 0.2 * (bends[key] - 1)) * max(span, 1) * min(DY, np.hypot(*direction) / 3)
    return middle + normal * height, bends[key] - 1


def _curved(control, a, b):
    """Whether the control point lies off the chord a–b (a 2-D cross product)."""
    (u0, u1), (v0, v1) = b - a, control - a
    return abs(u0 * v1 - u1 * v0) > 1e-9


def _unit(v):
    return v / (np.hypot(*v) or 1.0)
