"""Networks too large to draw neuron by neuron, drawn as blocks of neurons with their counts.

The way NN-SVG and PlotNeuralNet draw layers: each block a box as tall as the square
root of its neuron count, named by its ids and count; one line per pair of blocks that
edges join, as wide as the number of those edges (the most edges 6 pt), labelled with that number and their
mean |w_ij| (while there are few such lines). Neighbouring columns are merged
into one block until there are at most :data:`MAX_BLOCKS`, so a deep network still
makes a picture whose words can be read.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from .geometry import Curve
from .labels import Placer, Spot, along, text_size
from .layout import columns_of

__all__ = ["BLOCKS_ABOVE", "MAX_BLOCKS", "Block", "Blocks", "blocks"]

BLOCKS_ABOVE = 300
"""Networks with more neurons than this are drawn as blocks by default."""
MAX_BLOCKS = 12
WIDTH, GAP, TALLEST = 0.9, 3.0, 6.0  # layout units
EM = 0.3


@dataclass
class Block:
    """Neurons drawn as one box: `ids` (sorted), its centre (x, y), its height."""

    ids: list
    x: float
    y: float
    height: float
    kind: str

    @property
    def name(self):
        """Its count over its ids: "784 neurons" over "1–784" (or "1, …, 900" when the ids
        are not a run); "neuron 7" for one."""
        first, last = self.ids[0], self.ids[-1]
        if len(self.ids) == 1:
            return f"neuron {first}"
        ids = f"{first}–{last}" if last - first + 1 == len(self.ids) else f"{first}, …, {last}"
        return f"{len(self.ids):,} neurons\n{ids}"


@dataclass
class Blocks:
    """A large network's picture as blocks.

    Attributes
    ----------
    blocks : list of Block
    links : dict
        ``{(a, b): (count, mean w_ij, mean |w_ij|)}`` for the edges from block a to block b.
    inside : dict
        ``{a: count}``: edges between neurons of the same block.
    curves : dict
        ``{(a, b): Curve}``.
    spots : dict
        Where the labels stand: ``("block", a)``, ``("link", a, b)``, ``("note",)``.
    em : float
        The labels' font size, in layout units.
    """

    blocks: list
    links: dict
    inside: dict
    curves: dict
    em: float = EM
    spots: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)

    def note(self):
        """What the picture says of the labels it left out ("" when none was)."""
        return (f"{len(self.left_out)} label{'s' * (len(self.left_out) > 1)} left out: "
                f"no free room") if self.left_out else ""

    def bounds(self):
        """(x0, x1, y0, y1) around the blocks, the curves and the labels."""
        x0 = min(b.x - WIDTH for b in self.blocks)
        x1 = max(b.x + WIDTH for b in self.blocks)
        y0 = min(b.y - b.height / 2 - 0.3 for b in self.blocks)
        y1 = max(b.y + b.height / 2 + 0.3 for b in self.blocks)
        for curve in self.curves.values():
            for point in (curve.a, *curve.cubic(), curve.b):
                x0, x1 = min(x0, point[0]), max(x1, point[0])
                y0, y1 = min(y0, point[1]), max(y1, point[1])
        for spot in self.spots.values():
            bx0, bx1, by0, by1 = spot.box()
            x0, x1, y0, y1 = min(x0, bx0), max(x1, bx1), min(y0, by0), max(y1, by1)
        return x0 - 0.2, x1 + 0.2, y0 - 0.2, y1 + 0.2

    def inches(self):
        """The figure's size: about 1 inch a unit, at most 14 × 9."""
        x0, x1, y0, y1 = self.bounds()
        scale = min(1.0, 14.0 / (x1 - x0), 9.0 / (y1 - y0))
        return max((x1 - x0) * scale, 4.0), max((y1 - y0) * scale, 2.5)


def blocks(net):
    """Measure `net`'s picture as blocks of neurons (see the module's description).

    Examples
    --------
    >>> import neurograph as ng
    >>> shape = blocks(ng.Network.layered([784, 100, 10], seed=0))
    >>> [len(b.ids) for b in shape.blocks], shape.links[0, 1][0]
    ([784, 100, 10], 78400)
    """
    columns = list(columns_of(net).values())
    bands = _bands(columns)
    of = {}
    for a, band in enumerate(bands):
        for j in band:
            of[j] = a
    heights = [max(0.6, TALLEST * math.sqrt(len(band) / max(map(len, bands)))) for band in bands]
    inputs = set(net.inputs)
    made = [Block(sorted(band), a * GAP, 0.0, heights[a],
                  "input" if set(band) <= inputs else "processing")
            for a, band in enumerate(bands)]
    sums = {}
    for (i, j), w in net.w.items():
        if i == 0:
            continue
        key = (of[i], of[j])
        count, total, size = sums.get(key, (0, 0.0, 0.0))
        sums[key] = (count + 1, total + w, size + abs(w))
    links = {key: (count, total / count, size / count) for key, (count, total, size)
             in sorted(sums.items()) if key[0] != key[1]}
    inside = {a: sums[a, b][0] for a, b in sums if a == b}
    curves = {}
    for a, b in links:
        start = np.array([made[a].x + WIDTH / 2, 0.0])
        end = np.array([made[b].x - WIDTH / 2, 0.0])
        span = b - a
        lift = 0.0 if span == 1 else (1 if span % 2 else -1) * (
            max(made[a].height, made[b].height) / 2 + 0.5 * span)
        control = (start + end) / 2 + np.array([0.0, lift])
        if span > 1:  # skips leave from the top or the bottom of the box
            start = start + np.array([-WIDTH / 2, np.sign(lift) * made[a].height / 2])
            end = end + np.array([WIDTH / 2, np.sign(lift) * made[b].height / 2])
            control = (start + end) / 2 + np.array([0.0, lift])
        curves[a, b] = Curve(start, control, end, 0.5, span == 1)
    shape = Blocks(made, links, inside, curves)
    _place(shape)
    return shape


def _bands(columns):
    """Neighbouring columns merged until at most MAX_BLOCKS remain, smallest pairs first;
    the inputs' column and the outputs' stay their own."""
    bands = [list(c) for c in columns]
    while len(bands) > MAX_BLOCKS:
        sizes = [len(bands[k]) + len(bands[k + 1]) for k in range(1, len(bands) - 2)]
        k = 1 + int(np.argmin(sizes))
        bands[k:k + 2] = [bands[k] + bands[k + 1]]
    return bands


def _place(shape):
    """The blocks' names inside them (or under, when too small), then the links' labels."""
    em = shape.em
    placer = Placer([])
    for block in shape.blocks:  # the boxes themselves: no label on them but their own name
        placer.boxes = np.vstack([placer.boxes, [block.x - WIDTH / 2, block.x + WIDTH / 2,
                                                 block.y - block.height / 2,
                                                 block.y + block.height / 2]])
    for a, block in enumerate(shape.blocks):
        lines = block.name.split("\n")
        width = max(text_size(line, em)[0] for line in lines)
        height = 1.45 * em * len(lines)
        low = block.y - block.height / 2
        spot = placer.place([(block.x, low - 0.15 - height / 2 - k * height) for k in range(3)],
                            width, height, block.name)
        if spot is None:
            shape.left_out.append(("block", a))
        else:
            shape.spots["block", a] = spot
    if len(shape.links) > 2 * MAX_BLOCKS:
        return  # too many to name: their widths say how many edges each stands for
    for (a, b), (count, _, size) in shape.links.items():
        text = f"{count:,} edges\nmean |w| {size:.2g}"
        width = max(text_size(line, 0.85 * em)[0] for line in text.split("\n"))
        height = 2 * 1.45 * 0.85 * em
        curve = shape.curves[a, b]
        spot = placer.place(along(curve, 0.5, height), width, height, text)
        if spot is None:
            shape.left_out.append(("link", a, b))
        else:
            shape.spots["link", a, b] = spot
    if shape.left_out:
        x0, x1, y0, _ = shape.bounds()
        width, height = text_size(shape.note(), 0.8 * em)
        shape.spots["note",] = placer.take(Spot((x0 + x1) / 2, y0 - height, width, height,
                                                shape.note()))
