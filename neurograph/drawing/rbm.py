"""A restricted Boltzmann machine drawn as the bipartite graph it is: visible neurons in a row
below, hidden neurons above, undirected edges coloured by sign and as thick as |w_ij|."""

import numpy as np

from ..errors import NetworkError
from ..files.atomic import writable
from .geometry import MAX_DRAWN_EDGES, MAX_DRAWN_NEURONS
from .network import (FORMATS, INPUT_COLOUR, NEGATIVE, POSITIVE, PROCESSING_COLOUR,
                      checked_title, save_figure)

__all__ = ["plot_rbm"]


def plot_rbm(rbm, path=None, ax=None, title=None):
    """Draw `rbm`; with `path`, into a PNG, SVG or PDF file. Returns the Axes or the path."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    V, H = rbm.n_visible, rbm.n_hidden
    if path is not None:
        writable(path, FORMATS, "the picture's file name")  # before anything is drawn
    if title:
        title = checked_title(title)
    if V + H + 1 > MAX_DRAWN_NEURONS or len(rbm.w) > MAX_DRAWN_EDGES:
        raise NetworkError(f"the RBM has {V + H + 1:,} neurons and {len(rbm.w):,} weights: too "
                           f"many to draw legibly (at most {MAX_DRAWN_NEURONS:,} and "
                           f"{MAX_DRAWN_EDGES:,})")
    if ax is None:
        figure, ax = plt.subplots(figsize=(min(14, 1 + 0.35 * max(V, H)), 3.2))
    else:
        figure = ax.figure
    xs_v = np.linspace(0, 1, V) if V > 1 else np.array([0.5])
    xs_h = np.linspace(0, 1, H) if H > 1 else np.array([0.5])
    largest = float(np.abs(rbm.W).max()) or 1.0
    lines, widths, colours = [], [], []
    for i in range(V):
        for j in range(H):
            w = rbm.W[i, j]
            lines.append([(xs_v[i], 0.0), (xs_h[j], 1.0)])
            widths.append(0.2 + 2.0 * abs(w) / largest)
            colours.append(POSITIVE if w >= 0 else NEGATIVE)
    ax.add_collection(LineCollection(lines, linewidths=widths, colors=colours, alpha=0.5,
                                     zorder=1, gid="edges"))
    size = max(12, 200 / max(V, H) ** 0.5)
    ax.scatter(xs_v, np.zeros(V), s=size, c=INPUT_COLOUR, edgecolors="#333333", zorder=2,
               gid="visible")
    ax.scatter(xs_h, np.ones(H), s=size, c=PROCESSING_COLOUR, edgecolors="#333333", zorder=2,
               gid="hidden")
    ax.text(-0.04, 0.0, f"visible 1–{V}", ha="right", va="center", fontsize=9)
    ax.text(-0.04, 1.0, f"hidden {V + 1}–{V + H}", ha="right", va="center", fontsize=9)
    ax.set_xlim(-0.3, 1.05)
    ax.set_ylim(-0.25, 1.25)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    if path is None:
        return ax
    written = save_figure(figure, path)
    plt.close(figure)
    return written
