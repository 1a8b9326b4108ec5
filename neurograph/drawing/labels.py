"""Where the words go: every label on a spot that covers no other label and no neuron.

A greedy placer, the way map labelling is usually done: the labels are placed one by
one, each at the first of its candidate spots that is free — a weight first along its
edge (where the edge is, say t = 0.3, then towards the middle and out towards its
ends), then beside the edge; a bias label above its neuron, then to its sides. A label
that finds no free spot is left out, and the picture says how many were (its `note`).

Sizes are in layout units: a label's size is its text's estimated extent at font size
``em`` (the width of DejaVu Sans's glyphs, a subscript at three quarters of that), which
the renderers never exceed. An exponent is measured as plain text writes it, 10^−7
(LaTeX's smaller 10⁻⁷ fits the same room).
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["Spot", "Placer", "text_size", "along", "around"]

GLYPH = {**dict.fromkeys("0123456789", 0.64), ".": 0.32, ",": 0.32, ":": 0.34, "−": 0.84,
         "-": 0.37, "=": 1.4, "+": 0.84, " ": 0.32, "w": 0.82, "m": 0.98, "[": 0.4, "]": 0.4,
         "(": 0.4, ")": 0.4, "–": 0.5, "Δ": 0.7, "∂": 0.62, "/": 0.34, "×": 0.84, "Π": 0.76,
         "^": 0.84,
         "i": 0.28, "l": 0.28, "j": 0.28, "J": 0.3, "r": 0.42, "t": 0.4, "f": 0.36}
WIDE = 0.72  # other glyphs at most about this wide (capitals, italics)


def text_size(text, em):
    """(width, height) of `text` written at font size `em`; ``_{…}`` marks a subscript.

    Examples
    --------
    >>> width, height = text_size("w_{0,4}=1.21", 1.0)
    >>> round(width, 2), height
    (5.99, 1.4)
    """
    width, small, k = 0.0, False, 0
    while k < len(text):
        if text.startswith("_{", k):
            small, k = True, k + 2
            continue
        if small and text[k] == "}":
            small, k = False, k + 1
            continue
        width += GLYPH.get(text[k], WIDE) * (0.75 if small else 1.0)
        k += 1
    # a margin for the renderer's rounding to whole pixels and its glyphs' side bearings
    return (1.04 * width + 0.1) * em, (1.4 if "_{" in text else 1.2) * em


@dataclass
class Spot:
    """A placed label: its centre (x, y), its size, and its text (``_{…}`` for subscripts)."""

    x: float
    y: float
    width: float
    height: float
    text: str = ""

    def box(self):
        """(x0, x1, y0, y1)."""
        return (self.x - self.width / 2, self.x + self.width / 2,
                self.y - self.height / 2, self.y + self.height / 2)


class Placer:
    """Takes labels one by one, each on its first free candidate spot.

    Parameters
    ----------
    circles : list of (x, y, r)
        The neurons (with their rings): no label may cover one.
    """

    def __init__(self, circles):
        self.circles = np.array(circles, dtype=float).reshape(-1, 3)
        self.boxes = np.empty((0, 4))
        self.taken = []

    def free(self, box):
        """Whether `box` (x0, x1, y0, y1) covers no placed label and no neuron."""
        x0, x1, y0, y1 = box
        b = self.boxes
        if len(b) and np.any((b[:, 0] < x1) & (x0 < b[:, 1]) & (b[:, 2] < y1) & (y0 < b[:, 3])):
            return False
        c = self.circles
        if len(c):
            nearest_x = np.clip(c[:, 0], x0, x1)
            nearest_y = np.clip(c[:, 1], y0, y1)
            if np.any(np.hypot(nearest_x - c[:, 0], nearest_y - c[:, 1]) < c[:, 2]):
                return False
        return True

    def take(self, spot):
        """Hold `spot` so that no later label covers it."""
        self.boxes = np.vstack([self.boxes, spot.box()])
        self.taken.append(spot)
        return spot

    def place(self, candidates, width, height, text="", avoid=None):
        """The first free spot among `candidates` (centres), held; None if none is free.

        `avoid`: points (an array, one row each) the label should rather not cover, such as
        points along the edges: the first free spot that covers none of them, else the
        first free spot.
        """
        spots = [Spot(float(x), float(y), width, height, text) for x, y in candidates]
        if avoid is not None and len(avoid):
            for spot in spots:
                x0, x1, y0, y1 = spot.box()
                inside = ((x0 < avoid[:, 0]) & (avoid[:, 0] < x1)
                          & (y0 < avoid[:, 1]) & (avoid[:, 1] < y1))
                if not inside.any() and self.free(spot.box()):
                    return self.take(spot)
        for spot in spots:
            if self.free(spot.box()):
                return self.take(spot)
        return None


def along(curve, t0, height):
    """Candidate centres for a label on `curve`: along it from `t0`, then beside it."""
    ts = [t0] + [t for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8, 0.15,
                             0.85, 0.45, 0.55, 0.1, 0.9) if abs(t - t0) > 1e-9]
    points = curve.at(np.array(ts)[:, None])
    tangent = curve.tangent(np.array(ts)[:, None])
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-12)[:, None]
    out = [tuple(p) for p in points]
    for shift in (0.75, -0.75, 1.4, -1.4, 2.1, -2.1, 2.8, -2.8):
        out.extend(tuple(p) for p in points + shift * height * normal)
    return out


def around(x, y, r, width, height, first="above"):
    """Candidate centres for a label beside a neuron at (x, y) of radius r: `first` side
    ("above" or "below") first, then its corners, the sides and the other side."""
    up = y + 1.3 * r + height / 2
    down = y - 1.3 * r - height / 2
    side = r * 1.15 + width / 2
    near = [(x, up), (x - width / 3, up), (x + width / 3, up), (x + side, up - height / 2),
            (x - side, up - height / 2), (x, up + height), (x + side, y), (x - side, y)]
    low = [(x, down), (x + width / 3, down), (x - width / 3, down),
           (x + side, down + height / 2), (x - side, down + height / 2), (x, down - height)]
    return near + low if first == "above" else low + near
