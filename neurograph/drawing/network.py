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
from .blocks import BLOCKS_ABOVE
from .blocks import blocks as block_geometry
from .geometry import MAX_DRAWN_EDGES, MAX_DRAWN_NEURONS, geometry, network_layout  # noqa: F401

__all__ = ["plot_network", "network_layout", "save_network_picture", "network_png",
           "POSITIVE", "NEGATIVE"]

POSITIVE, NEGATIVE = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion: colour-blind safe
INPUT_COLOUR, PROCESSING_COLOUR, BIAS_COLOUR = "#9ecae1", "#fdd35c", "#d9d9d9"
VALUE_SYMBOLS = {"a": "a", "in": "in", "delta": r"\Delta"}
FORMATS = (".png", ".svg", ".pdf")


def plot_network(net, ax=None, *, pos=None, bias="label", weights=None, values=None, digits=2,
                 title=None, removed=None, neurons=None, focus=None, blocks=None):
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
    neurons : iterable of int, optional
        Draw only these neurons (and the edges between them), neuron by neuron.
    focus : int, optional
        Draw neuron `focus` with its sources and its targets, neuron by neuron.
    blocks : bool, optional
        Draw groups of neurons as blocks with their counts, and one line per pair of
        blocks that edges join (see :mod:`neurograph.drawing.blocks`). Default: when the
        network has more than 300 neurons and neither `neurons` nor `focus` is given.

    Labels stand where they cover no other label and no neuron; one that finds no room is
    left out, and a note under the picture says how many were.

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
    chosen = _chosen(net, neurons, focus)
    if blocks is None:
        blocks = chosen is None and len(net.neurons) > BLOCKS_ABOVE
    if blocks:
        return _plot_blocks(net, ax, title)
    shape = geometry(net, pos, bias, weights, values=values, digits=digits, neurons=chosen)
    if values is not None:
        _check_values(net, shape, values)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=shape.inches())
    fontsize = _fit(ax, shape)
    # on an Axes of its own size: labels of 11 pt, or as large as the neurons allow
    em = min(0.95 * shape.radius, 11.0 / _points_per_unit(ax))
    columns = 9.0 / _points_per_unit(ax) if _id_size(ax, shape) < 5 else None
    if abs(em - shape.em) > 0.05 * shape.em or columns is not None:
        # ids too small to read: each column named under it instead
        shape = geometry(net, pos, bias, weights, values=values, digits=digits, neurons=chosen,
                         em=em, column_em=columns)
        fontsize = _fit(ax, shape)
    _draw_edges(ax, net, shape, digits, fontsize)
    if removed is not None:
        _draw_removed(ax, shape.where, removed)
    _draw_neurons(ax, net, shape, fontsize)
    _mark_neurons(ax, net, shape, fontsize)
    _mark_groups(ax, shape, fontsize)
    if bias == "label":
        _write_biases(ax, net, shape, digits, fontsize)
    if values is not None:
        _write_values(ax, net, shape, values, digits, fontsize)
    if ("note",) in shape.spots:
        spot = shape.spots["note",]
        ax.text(spot.x, spot.y, spot.text, ha="center", va="center", fontsize=0.8 * fontsize,
                style="italic", color="#444444", gid="note")
    ax.axis("off")
    if title:
        ax.set_title(checked_title(title), fontsize=max(fontsize + 1, 10))
    return ax


def _chosen(net, neurons, focus):
    """The neurons to draw, from `neurons` or `focus` (None: all of them)."""
    if neurons is not None and focus is not None:
        raise NetworkError("give neurons or focus, not both")
    if focus is not None:
        if not (isinstance(focus, (int, np.integer)) and not isinstance(focus, bool)
                and int(focus) in net.graph and focus != 0):
            raise NetworkError(f"focus must be the id of a neuron of the network; "
                               f"received {describe(focus)}")
        focus = int(focus)
        return {focus, *net.predecessors(focus), *net.successors(focus)} - {0}
    if neurons is None:
        return None
    try:
        chosen = {int(j) for j in neurons}
    except (TypeError, ValueError):
        raise NetworkError(f"neurons must list neuron ids; received {describe(neurons)}") \
            from None
    unknown = sorted(chosen - set(net.graph))
    if unknown or not chosen - {0}:
        raise NetworkError(f"neurons must name neurons of the network; received "
                           f"{describe(neurons)}" + (f" (no neurons {unknown[:5]})" if unknown
                                                     else ""))
    return chosen - {0}


def _plot_blocks(net, ax, title):
    """The network as blocks (see :mod:`neurograph.drawing.blocks`)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle
    shape = block_geometry(net)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=shape.inches())
    x0, x1, y0, y1 = shape.bounds()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    font = min(10.0, shape.em * _points_per_unit(ax))
    most = max((count for count, _, _ in shape.links.values()), default=1)
    lines, widths = [], []
    for (a, b), (count, _, _) in shape.links.items():
        lines.append(shape.curves[a, b].at(np.linspace(0, 1, 24)[:, None]))
        widths.append(0.4 + 5.6 * count / most)
    ax.add_collection(LineCollection(lines, linewidths=widths, colors="#607080", alpha=0.55,
                                     zorder=1, gid="links"))
    for a, block in enumerate(shape.blocks):
        colour = INPUT_COLOUR if block.kind == "input" else PROCESSING_COLOUR
        ax.add_patch(Rectangle((block.x - 0.45, block.y - block.height / 2), 0.9, block.height,
                               facecolor=colour, edgecolor="#333333", linewidth=0.9, zorder=2,
                               gid=f"block:{a}"))
    for key, spot in shape.spots.items():
        size = {"link": 0.85, "note": 0.8}.get(key[0], 1.0) * font
        ax.text(spot.x, spot.y, spot.text, ha="center", va="center", fontsize=size, zorder=3,
                linespacing=1.2, gid=":".join(map(str, key)),
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none",
                          alpha=0.85))
    ax.axis("off")
    if title:
        ax.set_title(checked_title(title), fontsize=max(font + 1, 10))
    return ax


def _fit(ax, shape):
    """Set the Axes to the picture's bounds; the font size (points) of its labels."""
    x0, x1, y0, y1 = shape.bounds()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    return float(min(11.0, shape.em * _points_per_unit(ax)))


def _id_size(ax, shape):
    """The ids' font size (points): as large as fits inside a neuron, at most 11."""
    return float(min(11.0, 0.95 * shape.radius * _points_per_unit(ax)))


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


def _points_per_unit(ax):
    """Points per layout unit on `ax` (its limits set, its aspect equal)."""
    figure_width, figure_height = ax.figure.get_size_inches()
    box = ax.get_position()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return 72.0 * min(box.width * figure_width / (x1 - x0),
                      box.height * figure_height / (y1 - y0))


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
        spot = shape.spots.get(("group", name))
        if spot is not None:
            ax.text(spot.x, spot.y, name, ha="center", va="center", fontsize=fontsize,
                    style="italic", zorder=5, gid=f"group-label:{name}")


def _group_box(shape, members):
    """(x0, x1, y0, y1) of the box around a group, with room for the labels above and below."""
    xs = [shape.where[j][0] for j in members]
    ys = [shape.where[j][1] for j in members]
    pad, tall = 1.6 * shape.radius, 2.9 * shape.radius
    return min(xs) - pad, max(xs) + pad, min(ys) - tall, max(ys) + tall


def _mark_neurons(ax, net, shape, fontsize):
    """What sets a neuron apart from the lectures' Σ-then-g: its aggregation (max or Π, to the
    lower right) and batch normalization (a second ring, and "BN" to the lower left)."""
    from matplotlib.patches import Circle
    for j in shape.shown:
        neuron = net.neuron(j)
        if ("aggregation", j) in shape.spots and fontsize >= 5:
            spot = shape.spots["aggregation", j]
            ax.text(spot.x, spot.y, neuron.aggregation.symbol, ha="center", va="center",
                    fontsize=0.75 * fontsize, style="italic", zorder=5, gid=f"aggregation:{j}")
        if neuron.norm is not None:
            ax.add_patch(Circle(shape.where[j], 1.22 * shape.radius, fill=False,
                                edgecolor="#333333", linewidth=min(1.1, 0.15 * fontsize),
                                zorder=4, gid=f"batch-norm:{j}"))
            spot = shape.spots.get(("bn", j))
            if spot is not None and fontsize >= 5:
                ax.text(spot.x, spot.y, "BN", ha="center", va="center",
                        fontsize=0.75 * fontsize, zorder=5, gid=f"batch-norm-label:{j}")


def _draw_neurons(ax, net, shape, fontsize):
    from matplotlib.patches import Circle
    for j in shape.shown:
        kind = net.neuron(j).kind
        colour = {"bias": BIAS_COLOUR, "input": INPUT_COLOUR}.get(kind, PROCESSING_COLOUR)
        ax.add_patch(Circle(shape.where[j], shape.radius, facecolor=colour, edgecolor="#333333",
                            linewidth=min(1.1, 0.15 * fontsize), zorder=4, gid=f"neuron:{j}"))
        if shape.column_em is None:  # else too small to read: the columns are named instead
            ax.text(*shape.where[j], str(j), ha="center", va="center",
                    fontsize=_id_size(ax, shape),
                    fontweight="bold", zorder=5, gid=f"id:{j}")
    for key, spot in shape.spots.items():
        if key[0] == "column":  # too small for ids: each column named by its ids
            ax.text(spot.x, spot.y, spot.text, ha="center", va="center",
                    fontsize=min(9.0, shape.column_em * _points_per_unit(ax)), zorder=5,
                    gid=f"column:{key[1]}")


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
        spot = shape.spots.get(("weight", i, j))
        if spot is not None:
            ax.text(spot.x, spot.y, spot.text, ha="center", va="center",
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


def _write_biases(ax, net, shape, digits, fontsize):
    for j in net.graph.successors(0):
        spot = shape.spots.get(("bias", j))
        if spot is not None:
            w = format_number(net.w[0, j], digits, latex=True)
            ax.text(spot.x, spot.y, rf"$w_{{0,{j}}}={w}$", ha="center", va="center",
                    fontsize=0.8 * fontsize, color="#444444", zorder=5, gid=f"bias:{j}")


def _check_values(net, shape, values):
    for j in shape.shown:
        neuron = net.neuron(j)
        value = {"a": neuron.a, "in": neuron.in_, "delta": neuron.delta}[values]
        if j != 0 and (values == "a" or neuron.is_processing) and math.isnan(value):
            step = "backward(y)" if values == "delta" else "forward(x)"
            raise NetworkError(f"values={values!r} needs the values of a pass: call {step} "
                               f"first")


def _write_values(ax, net, shape, values, digits, fontsize):
    for j in shape.shown:
        spot = shape.spots.get(("value", j))
        if spot is None:
            continue
        neuron = net.neuron(j)
        value = {"a": neuron.a, "in": neuron.in_, "delta": neuron.delta}[values]
        text = rf"${VALUE_SYMBOLS[values]}_{{{j}}}={format_number(value, digits, latex=True)}$"
        ax.text(spot.x, spot.y, text, ha="center", va="center", fontsize=0.8 * fontsize,
                zorder=5, gid=f"value:{j}")


# ------------------------------------------------------------------ files, Jupyter


def _figure_for(net, dpi=110, **kwargs):
    """A matplotlib Figure (no pyplot state) with the network drawn on it."""
    from matplotlib.figure import Figure
    chosen = _chosen(net, kwargs.get("neurons"), kwargs.get("focus"))
    as_blocks = kwargs.get("blocks")
    if as_blocks is None:
        as_blocks = chosen is None and len(net.neurons) > BLOCKS_ABOVE
    if as_blocks:
        shape = block_geometry(net)
    else:
        shape = geometry(net, kwargs.get("pos"), kwargs.get("bias", "label"),
                         kwargs.get("weights"), values=kwargs.get("values"),
                         digits=kwargs.get("digits", 2), neurons=chosen)
    figure = Figure(figsize=shape.inches(), dpi=dpi)
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
