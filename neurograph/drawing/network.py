"""Drawing networks as the lectures draw them: inputs blue, processing neurons yellow.

matplotlib is imported inside the functions only, so ``import neurograph`` stays
light. The drawing functions take ``ax=None`` and return what they drew; they
never call ``plt.show()``.

Every artist carries a gid — ``neuron:j``, ``id:j``, ``edge:i,j``, ``weight:i,j``,
``bias:j``, ``value:j`` — so a picture can be inspected, not only looked at.
"""

import math

import numpy as np

from ..errors import NetworkError, describe
from ..files.atomic import writable, write_atomically
from ..numbers import format_number
from .geometry import MAX_DRAWN_EDGES, MAX_DRAWN_NEURONS, geometry, network_layout  # noqa: F401

__all__ = ["plot_network", "network_layout", "save_network_picture", "network_png",
           "POSITIVE", "NEGATIVE"]

POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion: colour-blind safe
INPUT_COLOUR, PROCESSING_COLOUR, BIAS_COLOUR = "#9ecae1", "#fdd35c", "#d9d9d9"
VALUE_SYMBOLS = {"a": "a", "in": "in", "delta": r"\Delta"}
FORMATS = (".png", ".svg", ".pdf")


def plot_network(net, ax=None, *, pos=None, bias="label", weights=None, values=None, digits=2,
                 title=None, removed=None):
    """Draw `net` with its weights (and optionally its values) on a matplotlib Axes.

    Parameters
    ----------
    net : Network
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure sized to the network.
    pos : mapping, optional
        ``{j: (x, y)}`` positions overriding :func:`network_layout` for those neurons.
    bias : {"label", "node", "hide"}, default "label"
        "label": neuron 0 left out, each bias weight w_0j written above neuron j
        (the lectures usually omit these edges); "node": neuron 0 drawn with
        its edges; "hide": neither.
    weights : bool, optional
        Write each weight on its edge. Default: only when the network has at most
        60 edges, which is about as many as stay readable.
    values : {"a", "in", "delta"}, optional
        Write a_j, in_j or Δ_j under each neuron (after ``forward``/``backward``).

    A max or product neuron is marked "max" or "Π" at its lower right; a batch-normalized
    one has a second ring and "BN" at its lower left; tied edges are dash-dotted and
    their labels end in their group's number, [1], [2], … (while the edges are few enough
    to label).
    digits : int, default 2
        Decimal places of the numbers written.
    title : str, optional
    removed : iterable of (i, j) or (i, j, w), optional
        Edges to draw thin, grey and dashed: what :meth:`Network.prune` returned, say
        (those between neurons that are still there).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import neurograph as ng
    >>> net = ng.Network.layered([2, 2, 1], seed=0)
    >>> ax = ng.plot_network(net)
    >>> sorted(t.get_gid() for t in ax.texts if t.get_gid().startswith("weight"))
    ['weight:1,3', 'weight:1,4', 'weight:2,3', 'weight:2,4', 'weight:3,5', 'weight:4,5']
    """
    if values not in (None, "a", "in", "delta"):
        raise NetworkError(f"values must be 'a', 'in', 'delta' or None; "
                           f"received {describe(values)}")
    shape = geometry(net, pos, bias, weights)
    where, shown, radius = shape.where, shape.shown, shape.radius
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=_figure_size(where, shown))
    x0, x1, y0, y1 = shape.bounds()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    fontsize = _font_size(ax, radius)
    _draw_edges(ax, net, shape, digits, fontsize)
    if removed is not None:
        _draw_removed(ax, where, removed)
    _draw_neurons(ax, net, where, shown, fontsize, radius)
    _mark_neurons(ax, net, where, shown, fontsize, radius)
    _mark_groups(ax, shape, fontsize)
    if bias == "label" and shape.label_weights:
        _write_biases(ax, net, where, digits, fontsize, radius)
    if values is not None:
        _write_values(ax, net, where, values, digits, fontsize, radius)
    ax.axis("off")
    if title:
        ax.set_title(checked_title(title), fontsize=max(fontsize + 1, 10))
    return ax


def checked_title(title):
    """`title`, if matplotlib can set it: plain text, or mathtext between $ signs."""
    if not isinstance(title, str):
        raise NetworkError(f"title must be text; received {describe(title)}")
    from matplotlib import cbook
    from matplotlib.mathtext import MathTextParser
    if cbook.is_math_text(title):
        try:
            MathTextParser("path").parse(title)
        except ValueError as error:
            first = str(error).strip().splitlines()[-1] if str(error).strip() else "a parse error"
            raise NetworkError(f"the title {describe(title)} is not valid mathtext ({first}); "
                               f"write \\$ for a dollar sign") from None
    return title


def _figure_size(where, shown):
    """Inches for the picture: about 1.3 per unit of layout, at most 14 × 11."""
    xs = [where[j][0] for j in shown]
    ys = [where[j][1] for j in shown]
    width, height = max(xs) - min(xs) + 2.0, max(ys) - min(ys) + 2.0
    scale = min(1.3, 14.0 / width, 11.0 / height)
    return max(width * scale, 4.0), max(height * scale, 2.5)


def _font_size(ax, radius):
    """A font that fits inside a node: its radius in points, capped at 11."""
    figure_width, figure_height = ax.figure.get_size_inches()
    box = ax.get_position()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    points_per_unit = 72.0 * min(box.width * figure_width / (x1 - x0),
                                 box.height * figure_height / (y1 - y0))
    return float(min(11.0, 0.95 * radius * points_per_unit))


def _mark_groups(ax, shape, fontsize):
    """A dashed box around the neurons of a group activation (softmax), named below it."""
    from matplotlib.patches import FancyBboxPatch
    radius = shape.radius
    for name, members in shape.groups.items():
        x0, x1, y0, y1 = _group_box(shape, members)
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0,
                                    boxstyle=f"round,pad=0,rounding_size={radius}", fill=False,
                                    linestyle="--", edgecolor="#555555", linewidth=0.9,
                                    zorder=3, gid=f"group:{name}"))
        ax.text((x0 + x1) / 2, y0 - 0.4 * radius, name, ha="center", va="top",
                fontsize=max(fontsize, 8), style="italic", zorder=5, gid=f"group-label:{name}")


def _group_box(shape, members):
    """(x0, x1, y0, y1) of the box around a group, with room for the labels above and below."""
    xs = [shape.where[j][0] for j in members]
    ys = [shape.where[j][1] for j in members]
    pad, tall = 1.6 * shape.radius, 2.9 * shape.radius
    return min(xs) - pad, max(xs) + pad, min(ys) - tall, max(ys) + tall


def _mark_neurons(ax, net, where, shown, fontsize, radius):
    """What sets a neuron apart from the lectures' Σ-then-g: its aggregation (max or Π, to the
    lower right) and batch normalization (a second ring, and "BN" to the lower left)."""
    from matplotlib.patches import Circle
    small = max(0.75 * fontsize, 6)
    for j in shown if fontsize >= 5 else ():  # marks smaller than that cannot be read
        neuron = net.neuron(j)
        x, y = where[j]
        if neuron.aggregation is not None and not neuron.aggregation.is_sum:
            ax.text(x + 1.05 * radius, y - 1.05 * radius, neuron.aggregation.symbol, ha="left",
                    va="top", fontsize=small, style="italic", zorder=5,
                    gid=f"aggregation:{j}")
        if neuron.norm is not None:
            ax.add_patch(Circle(where[j], 1.22 * radius, fill=False, edgecolor="#333333",
                                linewidth=min(1.1, 0.15 * fontsize), zorder=4,
                                gid=f"batch-norm:{j}"))
            ax.text(x - 1.05 * radius, y - 1.05 * radius, "BN", ha="right", va="top",
                    fontsize=small, zorder=5, gid=f"batch-norm-label:{j}")


def _draw_neurons(ax, net, where, shown, fontsize, radius):
    from matplotlib.patches import Circle
    for j in shown:
        kind = net.neuron(j).kind
        colour = {"bias": BIAS_COLOUR, "input": INPUT_COLOUR}.get(kind, PROCESSING_COLOUR)
        ax.add_patch(Circle(where[j], radius, facecolor=colour, edgecolor="#333333",
                            linewidth=min(1.1, 0.15 * fontsize), zorder=4, gid=f"neuron:{j}"))
        if fontsize >= 5:  # ids smaller than that cannot be read
            ax.text(*where[j], str(j), ha="center", va="center", fontsize=fontsize,
                    fontweight="bold", zorder=5, gid=f"id:{j}")
    if fontsize < 5:  # name each column by its ids instead
        columns = {}
        for j in shown:
            columns.setdefault(round(where[j][0], 6), []).append(j)
        for k, (x, ids) in enumerate(sorted(columns.items())):
            ids.sort()
            text = (f"{ids[0]}–{ids[-1]}" if ids == list(range(ids[0], ids[-1] + 1))
                    else f"{len(ids)} neurons")
            bottom = min(where[j][1] for j in ids)
            ax.text(x, bottom - 3 * radius, text, ha="center", va="top", fontsize=9,
                    zorder=5, gid=f"column:{k}")


def _draw_edges(ax, net, shape, digits, fontsize):
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path as MplPath
    crowd = []
    for i, j in shape.edges:
        w_ij, curve = net.w[i, j], shape.curves[i, j]
        colour = POSITIVE if w_ij >= 0 else NEGATIVE
        if shape.crowded:  # thin lines, one artist for all: arrowheads would only pile up
            crowd.append((curve.at(np.linspace(0, 1, 12)[:, None]),
                          0.15 + 0.75 * abs(w_ij) / shape.largest, colour))
        else:
            width = shape.width(i, j)
            path = MplPath([curve.a, curve.control, curve.b],
                           [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])
            ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>",
                                         mutation_scale=6 + 2 * width, linewidth=width,
                                         color=colour, alpha=0.9, zorder=1 if i else 0,
                                         linestyle="--" if i == 0 else
                                         ":" if (i, j) in shape.delays else
                                         ("-." if (i, j) in shape.tie_of else "-"),
                                         gid=f"edge:{i},{j}"))
        # a tied edge is labelled by its group, [1], [2], …: one weight for all of them; a
        # recurrent edge by its delay, d=1 …
        tag = shape.tag(i, j)
        if shape.label_weights or tag:
            text = (format_number(w_ij, digits) if shape.label_weights else "") + tag
            ax.text(*curve.at(curve.t), text.strip(), ha="center", va="center",
                    fontsize=0.85 * fontsize, zorder=3,
                    gid=f"weight:{i},{j}" if shape.label_weights else f"tie:{i},{j}",
                    bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none",
                              alpha=0.9))
    if crowd:
        from matplotlib.collections import LineCollection
        lines, widths, colours = zip(*crowd)
        ax.add_collection(LineCollection(lines, linewidths=widths, colors=colours, alpha=0.35,
                                         zorder=1, gid="edges"))


def _draw_removed(ax, where, removed):
    """The edges a pruning removed: thin dashed grey lines (gid ``removed:i,j``)."""
    for edge in removed:
        try:
            i, j = int(edge[0]), int(edge[1])
        except (TypeError, ValueError, IndexError):
            raise NetworkError(f"removed must list edges (i, j) or (i, j, w); received "
                               f"{describe(edge)}") from None
        if i in where and j in where and i != 0:
            (x0, y0), (x1, y1) = where[i], where[j]
            ax.plot([x0, x1], [y0, y1], linestyle=(0, (3, 3)), color="#999999", linewidth=0.8,
                    zorder=0.5, gid=f"removed:{i},{j}")


def _write_biases(ax, net, where, digits, fontsize, radius):
    for j in net.graph.successors(0):
        w = format_number(net.w[0, j], digits, latex=True)
        x, y = where[j]
        ax.text(x, y + 1.3 * radius, rf"$w_{{0,{j}}}={w}$", ha="center", va="bottom",
                fontsize=0.8 * fontsize, color="#444444", zorder=5, gid=f"bias:{j}")


def _write_values(ax, net, where, values, digits, fontsize, radius):
    for j in where:
        neuron = net.neuron(j)
        value = {"a": neuron.a, "in": neuron.in_, "delta": neuron.delta}[values]
        if j == 0 or (values != "a" and not neuron.is_processing):
            continue
        if math.isnan(value):
            step = "backward(y)" if values == "delta" else "forward(x)"
            raise NetworkError(f"values={values!r} needs the values of a pass: call {step} "
                               f"first")
        x, y = where[j]
        text = rf"${VALUE_SYMBOLS[values]}_{{{j}}}={format_number(value, digits, latex=True)}$"
        ax.text(x, y - 1.3 * radius, text, ha="center", va="top", fontsize=0.8 * fontsize,
                zorder=5, gid=f"value:{j}")


# ------------------------------------------------------------------ files, Jupyter


def _figure_for(net, dpi=110, **kwargs):
    """A matplotlib Figure (no pyplot state) with the network drawn on it."""
    from matplotlib.figure import Figure
    where = network_layout(net)
    shown = [j for j in where if j != 0 or kwargs.get("bias") == "node"]
    figure = Figure(figsize=_figure_size(where, shown), dpi=dpi)
    plot_network(net, figure.add_subplot(), **kwargs)
    return figure


def save_network_picture(net, path, dpi=110, **kwargs):
    """Draw `net` into a PNG, SVG or PDF file, chosen by the extension; see Network.plot.

    The file is written whole or not at all (see :mod:`neurograph.files.atomic`).
    """
    path = writable(path, FORMATS, "the picture's file name")
    figure = _figure_for(net, dpi=dpi, **kwargs)
    return save_figure(figure, path)


def save_figure(figure, path):
    """Save a matplotlib figure to PNG, SVG or PDF by the extension, whole or not at all."""
    path = writable(path, FORMATS, "the picture's file name")
    return write_atomically(path, lambda handle: figure.savefig(
        handle, format=path.suffix[1:].lower(), bbox_inches="tight"))


def network_png(net, **kwargs):
    """The network drawn as PNG bytes (for Jupyter), with :meth:`Network.plot`'s keyword
    arguments: the bytes ``net.plot("x.png", **kwargs)`` writes."""
    import io
    buffer = io.BytesIO()
    _figure_for(net, **kwargs).savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
