r"""Networks as TikZ: the picture :func:`plot_network` draws, as LaTeX a teacher can edit.

One node per neuron (``n3``), one ``\draw`` per edge, named styles for everything
(``input``, ``processing``, ``positive``, ``negative``, ``weight``, ``value`` …), so a
slide's colours or sizes change in one place. The layout, the colours, the weight
labels, the bias labels above the neurons and the curves of the skip edges are those
of the matplotlib picture (both come from :mod:`.geometry`). :class:`TikzPicture`
also gives the pieces that :mod:`neurograph.teaching.slides` highlights frame by frame.
"""

import math

from ..errors import NetworkError, describe
from ..files.atomic import writable, write_atomically
from ..markup import tex_text
from ..numbers import format_number
from .blocks import BLOCKS_ABOVE
from .blocks import blocks as block_geometry
from .geometry import geometry
from .network import BIAS_COLOUR, INPUT_COLOUR, NEGATIVE, POSITIVE, PROCESSING_COLOUR

__all__ = ["TikzPicture", "save_tikz", "to_tikz"]

VALUE_SYMBOLS = {"a": "a", "in": "in", "delta": r"\Delta"}
FONT_SIZES = [(10.0, r"\normalsize"), (9.0, r"\small"), (8.0, r"\footnotesize"),
              (7.0, r"\scriptsize"), (0.0, r"\tiny")]  # pt and the LaTeX size at least as small
POINTS_PER_CM = 72.27 / 2.54


def to_tikz(net, values=None, digits=2, standalone=True, *, bias="label", weights=None,
            pos=None, title=None, width=None, blocks=None):
    r"""`net` drawn as TikZ source: the layout, colours and labels of :func:`plot_network`.

    Parameters
    ----------
    net : Network
    values : {"a", "in", "delta"}, optional
        Write a_j, in_j or Δ_j under each neuron (after ``forward``/``backward``).
    digits : int, default 2
        Decimal places of the numbers written.
    standalone : bool, default True
        A whole document (``standalone`` class) that pdflatex compiles as it is; False
        gives the ``tikzpicture`` alone, to paste into a slide or notes whose preamble
        loads ``tikz``. Either way the colours and styles are defined inside the picture.
    bias, weights, pos
        As for :func:`plot_network`.
    title : str, optional
        Written above the picture as plain text: LaTeX's special characters are
        escaped, so a title shows as written (math is not typeset).
    width : float, optional
        The picture's width in cm (default: 1.6 cm per unit of :func:`network_layout`,
        at most 24 cm wide and 18 cm tall).
    blocks : bool, optional
        Groups of neurons as blocks with their counts, as :func:`plot_network` draws them;
        by default for more than 300 neurons.

    Returns
    -------
    str

    Examples
    --------
    >>> import neurograph as ng
    >>> net = ng.Network.layered([2, 2, 1], seed=0)
    >>> tex = ng.to_tikz(net, standalone=False)
    >>> tex.splitlines()[0]
    '\\begin{tikzpicture}[x=1.6cm, y=1.6cm,'
    >>> sum(line.lstrip().startswith(r"\draw[edge") for line in tex.splitlines())
    6
    """
    standalone = bool(standalone)
    if blocks or (blocks is None and pos is None and len(net.neurons) > BLOCKS_ABOVE):
        if title is not None and not isinstance(title, str):
            raise NetworkError(f"title must be text; received {describe(title)}")
        body = "\n".join(_blocks(net, title)) + "\n"
    else:
        picture = TikzPicture(net, values=values, digits=digits, bias=bias, weights=weights,
                              pos=pos, title=title, width=width)
        body = "\n".join(picture.lines()) + "\n"
    if not standalone:
        return body
    return (r"\documentclass[tikz, border=4pt]{standalone}" + "\n"
            + "\n".join(PREAMBLE) + "\n"
            + r"\begin{document}" + "\n" + body + r"\end{document}" + "\n")


PREAMBLE = [r"\usetikzlibrary{arrows.meta}"]
"""What a document needs for the pictures (``tikz`` itself aside)."""


def save_tikz(net, path, **kwargs):
    """Write :func:`to_tikz`'s standalone document to a ``.tex`` file (whole or not at all)."""
    path = writable(path, (".tex",), "the TikZ file's name")
    text = to_tikz(net, **kwargs)
    return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))


class TikzPicture:
    """A network's TikZ picture, and the pieces of it a Beamer frame highlights.

    Parameters are those of :func:`to_tikz`, with `room` and `radius` those of
    :func:`~neurograph.drawing.geometry.geometry`. Neuron j is the node ``n{j}``.
    """

    def __init__(self, net, values=None, digits=2, bias="label", weights=None, pos=None,
                 title=None, width=None, room=None, radius=None):
        if values not in (None, "a", "in", "delta"):
            raise NetworkError(f"values must be 'a', 'in', 'delta' or None; "
                               f"received {describe(values)}")
        if title is not None and not isinstance(title, str):
            raise NetworkError(f"title must be text; received {describe(title)}")
        if not isinstance(digits, int) or isinstance(digits, bool) or not 0 <= digits <= 12:
            raise NetworkError(f"digits must be a whole number from 0 to 12; "
                               f"received {describe(digits)}")
        self.net, self.values, self.digits, self.bias, self.title = (net, values, digits, bias,
                                                                      title)
        if width is not None and (not isinstance(width, (int, float)) or isinstance(width, bool)
                                  or not 0 < width <= 500):
            raise NetworkError(f"width must be a positive number of cm; "
                               f"received {describe(width)}")
        measure = dict(values=values, digits=digits, em="radius", room=room, radius=radius)
        self.shape = geometry(net, pos, bias, weights, **measure)
        if values is not None:
            self._check_values()
        self.unit = self._scale(width)
        self.show_ids = self.shape.radius * 0.95 * self.unit * POINTS_PER_CM >= 5
        if not self.show_ids:  # each column named under it instead, in \footnotesize
            self.shape = geometry(net, pos, bias, weights, **measure,
                                  column_em=8.0 / (self.unit * POINTS_PER_CM))
            self.unit = self._scale(width)
        radius_pt = self.shape.radius * self.unit * POINTS_PER_CM
        # the ids; as large as two digits fit in the ring where the neurons are drawn large
        self.font_pt = min(11.0, (1.3 if radius == "largest" else 0.95) * radius_pt)
        self.label_pt = min(11.0, self.shape.em * self.unit * POINTS_PER_CM)

    def _scale(self, width):
        """cm per layout unit: `width` across, or 1.6 (at most 24 cm by 18 cm)."""
        x0, x1, y0, y1 = self.shape.bounds()
        if width is None:
            return round(min(1.6, 24.0 / (x1 - x0), 18.0 / (y1 - y0)), 3)
        return round(width / (x1 - x0), 3)

    def _check_values(self):
        for j in self.shape.where:
            neuron = self.net.neuron(j)
            if j == 0 or (self.values != "a" and not neuron.is_processing):
                continue
            if math.isnan(self._value(j)):
                step = "backward(y)" if self.values == "delta" else "forward(x)"
                raise NetworkError(f"values={self.values!r} needs the values of a pass: call "
                                   f"{step} first")

    def _value(self, j):
        neuron = self.net.neuron(j)
        return {"a": neuron.a, "in": neuron.in_, "delta": neuron.delta}[self.values]

    # ---------------------------------------------------------------- the whole picture

    def lines(self, extra=(), labels=True):
        """The ``tikzpicture`` environment, line by line; `extra` lines go before its end.

        ``labels=False`` leaves out the weights on the edges and the bias labels (for
        frames that write their own there).
        """
        return [*self.opening(), *self.body(labels), *extra, r"\end{tikzpicture}"]

    def opening(self):
        size = _font_command(self.font_pt)
        thin = 0.15 if self.shape.crowded else 0.6
        return [
            rf"\begin{{tikzpicture}}[x={self.unit:g}cm, y={self.unit:g}cm,",
            rf"  neuron/.style={{circle, draw=black!80, line width=0.6pt, inner sep=0pt, "
            rf"minimum size={2 * self.shape.radius * self.unit:.3f}cm, font={size}\bfseries}},",
            r"  input/.style={neuron, fill=inputcolour},",
            r"  processing/.style={neuron, fill=processingcolour},",
            r"  hidden/.style={processing},",
            r"  output/.style={processing},",
            r"  bias/.style={neuron, fill=biascolour},",
            rf"  edge/.style={{line width={thin}pt, shorten >=0.5pt"
            + (", -{Stealth[length=4pt]}}," if not self.shape.crowded else ", opacity=0.35},"),
            r"  positive/.style={draw=positive},",
            r"  negative/.style={draw=negative},",
            r"  bias edge/.style={dashed},",
            r"  tied/.style={dash dot},",
            r"  delayed/.style={densely dotted},",
            rf"  weight/.style={{fill=white, fill opacity=0.9, text opacity=1, inner sep=1pt, "
            rf"font={_font_command(0.85 * self.label_pt)}}},",
            rf"  bias label/.style={{text=black!75, inner sep=0pt, "
            rf"font={_font_command(0.8 * self.label_pt)}}},",
            rf"  value/.style={{inner sep=0pt, "
            rf"font={_font_command(0.8 * self.label_pt)}}},",
            rf"  tag/.style={{inner sep=0pt, font={_font_command(0.75 * self.label_pt)}}},",
            rf"  note/.style={{font={_font_command(0.8 * self.label_pt)}\itshape, text=black!75}},",
            r"  bn ring/.style={draw=black!80, line width=0.6pt},",
            r"  group/.style={draw=black!65, dashed, rounded corners},",
            rf"  group label/.style={{inner sep=0pt, "
            rf"font={_font_command(self.label_pt)}\itshape}},",
            r"  title/.style={anchor=south, font=\large},",
            r"  current/.style={draw=highlight, line width=2.2pt},",
            r"  current edge/.style={draw=highlight, line width=2.4pt, opacity=0.8},",
            r"  news/.style={text=highlight}]",
            rf"\definecolor{{positive}}{{HTML}}{{{POSITIVE[1:]}}}",
            rf"\definecolor{{negative}}{{HTML}}{{{NEGATIVE[1:]}}}",
            rf"\definecolor{{inputcolour}}{{HTML}}{{{INPUT_COLOUR[1:]}}}",
            rf"\definecolor{{processingcolour}}{{HTML}}{{{PROCESSING_COLOUR[1:]}}}",
            rf"\definecolor{{biascolour}}{{HTML}}{{{BIAS_COLOUR[1:]}}}",
            r"\definecolor{highlight}{HTML}{CC79A7}",
        ]

    def body(self, labels=True):
        shape, out = self.shape, []
        x0, x1, y0, y1 = shape.bounds()
        top = y1 + (20 / POINTS_PER_CM / self.unit if self.title else 0.0)  # room for a title
        # the picture's extent (at least), so the frames of a step-through keep one size
        out.append(rf"\path ({x0:.3f},{y0:.3f}) rectangle "
                   rf"({x1:.3f},{top:.3f});")
        if self.title:
            out.append(rf"\node[title] at ({(x0 + x1) / 2:.3f},{y1:.3f}) "
                       rf"{{{tex_text(self.title)}}};")
        out.append("% neurons")
        for j in shape.shown:
            out.append(self.neuron(j))
        out.extend(self._columns())
        out.append("% edges: one line each, labelled with the weight")
        for i, j in shape.edges:
            out.append(self.edge(i, j, label=labels and (shape.label_weights
                                                        or bool(shape.tag(i, j)))))
        out.extend(self._marks())
        if self.bias == "label" and shape.label_weights and labels:
            out.append("% bias weights w_0j, above their neurons")
            for j in self.net.graph.successors(0):
                out.append(self.bias_label(j, self.formatted(self.net.w[0, j])))
        if self.values is not None:
            out.append(f"% values {self.values}_j")
            symbol = VALUE_SYMBOLS[self.values]
            for j in shape.shown:
                neuron = self.net.neuron(j)
                if j != 0 and (self.values == "a" or neuron.is_processing):
                    out.append(self.value_label(j, rf"{symbol}_{{{j}}}="
                                                   rf"{self.formatted(self._value(j))}"))
        return [line for line in out if line]

    # ---------------------------------------------------------------- pieces

    def formatted(self, value):
        """A number as the labels write it (LaTeX math, `digits` decimal places)."""
        return format_number(value, self.digits, latex=True)

    def neuron(self, j, style=None):
        kind = self.net.neuron(j).kind
        x, y = self.shape.where[j]
        styles = kind + ("" if style is None else f", {style}")
        label = str(j) if self.show_ids else ""
        return rf"\node[{styles}] (n{j}) at ({x:.3f},{y:.3f}) {{{label}}};"

    def path(self, i, j):
        """The edge's path between the nodes: straight, or the matplotlib curve as a cubic."""
        curve = self.shape.curves[i, j]
        if i == j:  # a recurrent self-loop, under the neuron as matplotlib draws it
            return f"(n{i}) to[out=-115, in=-65, looseness=7] (n{j})"
        if curve.straight:
            return f"(n{i}) -- (n{j})"
        p, q = self.shape.where[i], self.shape.where[j]
        c1 = [p[k] + 2 / 3 * (curve.control[k] - p[k]) for k in (0, 1)]
        c2 = [q[k] + 2 / 3 * (curve.control[k] - q[k]) for k in (0, 1)]
        return (f"(n{i}) .. controls ({c1[0]:.3f},{c1[1]:.3f}) and ({c2[0]:.3f},{c2[1]:.3f}) "
                f".. (n{j})")

    def edge(self, i, j, style=None, label=True, text=None):
        r"""``\draw`` for edge (i, j): coloured by sign, as wide as the weight is large,
        labelled with the weight (or `text`) part-way along."""
        shape = self.shape
        w_ij = shape.w[i, j]
        styles = ["edge", "positive" if w_ij >= 0 else "negative"]
        if i == 0:
            styles.append("bias edge")
        if (i, j) in shape.tie_of:
            styles.append("tied")
        if (i, j) in shape.delays:
            styles.append("delayed")
        width = (0.15 + 0.75 * abs(w_ij) / shape.largest if shape.crowded
                 else shape.width(i, j))
        styles.append(f"line width={width:.2f}pt")
        if style:
            styles.append(style)
        line = rf"\draw[{', '.join(styles)}] {self.path(i, j)};"
        if label:
            if text is None:
                text = f"${self.formatted(w_ij)}$" if shape.label_weights else ""
                text = f"{text}{shape.tag(i, j)}".strip()
            line += self.weight_label(i, j, text)
        return line

    def at(self, key):
        """``at (x,y)``: where the label `key` stands (see :class:`Geometry`), or None."""
        spot = self.shape.spots.get(key)
        return None if spot is None else f"at ({spot.x:.3f},{spot.y:.3f})"

    def weight_label(self, i, j, text, style=None):
        r"""The ``\node`` writing `text` on edge (i, j), where the geometry placed it ("" if
        it found no room)."""
        written = self.label_at(("weight", i, j), text, "weight", style)
        return " " + written if written else ""

    def label_at(self, key, text, kind, style=None):
        r"""``\node[kind, style] at (x,y) {text};`` at the spot of label `key` (see
        :class:`~neurograph.drawing.geometry.Geometry`), or "" where it has none."""
        extra = "" if style is None else f", {style}"
        where = self.at(key)
        return "" if where is None else rf"\node[{kind}{extra}] {where} {{{text}}};"

    def bias_label(self, j, number, style=None, name=None):
        r"""The bias weight w_0j (or what `name` says it is) where the geometry placed it."""
        name = f"w_{{0,{j}}}" if name is None else name
        return self.label_at(("bias", j), f"${name}={number}$", "bias label", style)

    def value_label(self, j, math_text, style=None, below=0):
        """A label under neuron j: its value, or (`below` = 1) its Δ_j under that."""
        return self.label_at(("delta" if below else "value", j), f"${math_text}$", "value", style)

    def _marks(self):
        shape, out = self.shape, []
        r = shape.radius
        for j in shape.shown:
            neuron = self.net.neuron(j)
            where = self.at(("aggregation", j))
            if where is not None and self.show_ids:
                symbol = tex_text(neuron.aggregation.symbol)
                out.append(rf"\node[tag] {where} {{\itshape {symbol}}};")
            if neuron.norm is not None:
                out.append(rf"\draw[bn ring] (n{j}) circle[radius={1.22 * r:.3f}];")
                where = self.at(("bn", j))
                if where is not None and self.show_ids:
                    out.append(rf"\node[tag] {where} {{BN}};")
        for name, members in shape.groups.items():
            xs = [shape.where[j][0] for j in members]
            ys = [shape.where[j][1] for j in members]
            x0, x1 = min(xs) - 1.6 * r, max(xs) + 1.6 * r
            y0, y1 = min(ys) - 2.9 * r, max(ys) + 2.9 * r
            out.append(rf"\draw[group] ({x0:.3f},{y0:.3f}) rectangle ({x1:.3f},{y1:.3f});")
            where = self.at(("group", name))
            if where is not None:
                out.append(rf"\node[group label] {where} {{{tex_text(name)}}};")
        if ("note",) in shape.spots:
            out.append(rf"\node[note] {self.at(('note',))} {{{tex_text(shape.note())}}};")
        return ["% marks: aggregations, batch norm, groups"] + out if out else []

    def _columns(self):
        """Too small for ids: each column named by its ids under it instead."""
        out = []
        for key, spot in self.shape.spots.items():
            if key[0] == "column":
                text = spot.text.replace("–", "--")
                out.append(rf"\node[font=\footnotesize, inner sep=0pt] at "
                           rf"({spot.x:.3f},{spot.y:.3f}) {{{text}}};")
        return out


def _blocks(net, title):
    """A large network as blocks (see :mod:`.blocks`): the ``tikzpicture``, line by line."""
    shape = block_geometry(net)
    x0, x1, y0, y1 = shape.bounds()
    unit = round(min(1.0, 24.0 / (x1 - x0), 18.0 / (y1 - y0)), 3)
    font = _font_command(shape.em * unit * POINTS_PER_CM)
    most = max((count for count, _, _ in shape.links.values()), default=1)
    out = [rf"\begin{{tikzpicture}}[x={unit:g}cm, y={unit:g}cm, "
           rf"label/.style={{font={font}, align=center, fill=white, fill opacity=0.85, "
           rf"text opacity=1, inner sep=1pt}}]",
           rf"\definecolor{{inputcolour}}{{HTML}}{{{INPUT_COLOUR[1:]}}}",
           rf"\definecolor{{processingcolour}}{{HTML}}{{{PROCESSING_COLOUR[1:]}}}",
           rf"\path ({x0:.3f},{y0:.3f}) rectangle ({x1:.3f},{y1:.3f});"]
    if title:
        out.append(rf"\node[anchor=south, font=\large] at ({(x0 + x1) / 2:.3f},{y1:.3f}) "
                   rf"{{{tex_text(title)}}};")
    for (a, b), (count, _, _) in shape.links.items():
        curve = shape.curves[a, b]
        c1, c2 = curve.cubic()
        width = 0.4 + 5.6 * count / most
        out.append(rf"\draw[draw=black!45, opacity=0.6, line width={width:.2f}pt] "
                   rf"({curve.a[0]:.3f},{curve.a[1]:.3f}) .. controls ({c1[0]:.3f},{c1[1]:.3f}) "
                   rf"and ({c2[0]:.3f},{c2[1]:.3f}) .. ({curve.b[0]:.3f},{curve.b[1]:.3f});")
    for block in shape.blocks:
        colour = "inputcolour" if block.kind == "input" else "processingcolour"
        out.append(rf"\draw[fill={colour}, draw=black!80] ({block.x - 0.45:.3f},"
                   rf"{block.y - block.height / 2:.3f}) rectangle ({block.x + 0.45:.3f},"
                   rf"{block.y + block.height / 2:.3f});")
    for spot in shape.spots.values():
        text = r" \\ ".join(tex_text(line) for line in spot.text.split("\n"))
        out.append(rf"\node[label] at ({spot.x:.3f},{spot.y:.3f}) {{{text}}};")
    return out + [r"\end{tikzpicture}"]


def _font_command(points):
    for at_least, command in FONT_SIZES:
        if points >= at_least:
            return command
    return r"\tiny"
