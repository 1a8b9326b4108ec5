r"""Beamer frames that step through an explanation on the network's TikZ picture.

One frame per section of the calculation; each step of the section is one overlay
(``\only<k>``): the neuron it is about drawn with a thick ring and the edges it uses
thickened, its formula under the picture, and the value it computes written on the
picture from that overlay on, in the highlight colour (``\only<k->``, or ``<k-m>``
until a later step rewrites the same place). Values of earlier sections stay on the
picture, in black; the weights on the edges give way to ∂J/∂w_ij and then to the new
weights.
"""

import re

from .. import checks
from ..drawing.tikz import PREAMBLE, TikzPicture
from ..errors import NetworkError, describe
from ..markup import tex_text
from .storyboard import default_title, room, scenes

__all__ = ["beamer", "ASPECTS"]

ASPECTS = {"4:3": ("43", 11.6, 6.4), "16:9": ("169", 15.0, 6.0)}
"""Each frame shape: Beamer's aspectratio, and the picture's room above the formula (cm):
the frame's whole text width, and the height left by the title and the formula."""
TEX_BASES = {"in": "in", "a": "a", "â": r"\hat a", "Δ": r"\Delta",
             "∂J/∂w": r"\partial J/\partial w"}
VALUE_COLOUR = "A3004F"
"""The colour of the values a frame writes (a deep magenta: 8:1 against white, legible from
the back of a room; the highlight rings keep the lighter pink)."""
ROOM_STYLES = (r"\tikzset{{value/.append style={{font=\small, yshift=-{gap:.1f}pt}}, "
               r"weight/.append style={{font=\small}}, "
               r"bias label/.append style={{font=\small, yshift={gap:.1f}pt}}, "
               r"news/.style={{text=values, font=\small\bfseries}}}}")
"""What a frame's labels are written in: a size read from the back of a room, the labels under
and over a neuron moved clear of the ring that highlights it (`gap`: the ring's reach, pt)."""
CROWDED_PT, TABLE_WIDTH, GAP, COLUMN_WIDTH, ROWS = 8.0, 3.2, 0.2, 2.5, 16
r"""A picture whose labels would be set under 8 pt (an LSTM's, a wide network's) is drawn
narrower, without its numbers, its neurons as large as their spacing allows (ids of 7 pt and
more), and each frame lists its values in a table beside it (GAP cm apart, at least
TABLE_WIDTH cm wide: the room the picture leaves), at \scriptsize in columns COLUMN_WIDTH cm
wide of ROWS rows each, or \tiny where those do not fit; the two together are centred on the
frame's room (ASPECTS)."""
RING, RING_LINE = 1.15, 2.2
"""The highlight ring's radius (times the neuron's) and its line width (pt)."""
POINTS_PER_CM = 72.27 / 2.54
MATH = re.compile(r"∂J/∂w_ij = Δ_j a_i|∂J/∂w_ij = Σ_t Δ_j\(t\) a_i\(t − d_ij\)"
                  r"|[xy] = \([^)]*\)|[αλ] = [^,\s]+|\b[TJ] = [^,\s]+|a_j\(t ≤ 0\) = 0")
"""The parts of a heading that are mathematics."""
MATH_SYMBOLS = {"∂": r"\partial ", "Δ": r"\Delta ", "α": r"\alpha", "λ": r"\lambda",
                "Σ_t": r"\sum_t ", "≤": r"\le ",
                "−": "-", "_ij": "_{ij}", "_j": "_j", "_i": "_i"}


def beamer(explanation, title=None, standalone=True, aspect="4:3"):
    r"""The explanation as Beamer frames; see :meth:`Explanation.to_beamer`.

    `aspect` is the frames' shape, "4:3" or "16:9"; the picture takes the frame's whole
    width (or the height left above the formula), its values in a high-contrast colour.

    Examples
    --------
    >>> from neurograph.teaching.lectures import sgd_network
    >>> tex = sgd_network().explain([1, 0], [1], lr=0.5).to_beamer()
    >>> tex.count(r"\begin{frame}"), tex.count(r"\only<1>")
    (5, 7)
    """
    if explanation.network is None:
        raise NetworkError("this explanation was made without its network; make it with "
                           "net.explain(…) to draw it")
    if title is not None and not isinstance(title, str):
        raise NetworkError(f"title must be text; received {describe(title)}")
    standalone = checks.flag(standalone, "standalone")
    if aspect not in ASPECTS:
        raise NetworkError(f"aspect must be one of {', '.join(ASPECTS)}; received "
                           f"{describe(aspect)}")
    ratio, room_width, room_height = ASPECTS[aspect]
    net = explanation.network
    space = room(explanation)  # each place makes room for the longest value written there
    probe = TikzPicture(net, digits=explanation.digits, room=space)
    x0, x1, y0, y1 = probe.shape.bounds()
    width = min(room_width, room_height * (x1 - x0) / (y1 - y0))
    picture = TikzPicture(net, digits=explanation.digits, width=width, room=space)
    table = picture.label_pt < CROWDED_PT
    if table:  # the values in a table beside the picture, which keeps its ids and delays
        drawn = dict(digits=explanation.digits, bias="hide", weights=False, radius="largest")
        x0, x1, y0, y1 = TikzPicture(net, **drawn).shape.bounds()
        width = min(room_width - TABLE_WIDTH - GAP, room_height * (x1 - x0) / (y1 - y0))
        picture = TikzPicture(net, width=width, **drawn)
        table = room_width - width - GAP  # the table's width, cm
    precision = explanation.precision
    played = scenes(explanation)
    shown = _initial_labels(picture)  # place → the label written there so far
    title = title if title is not None else default_title(explanation)
    frames = [rf"\begin{{frame}}{{{tex_text(title)}}}" + "\n" + r"\centering"
              + "\n" + "\n".join(picture.lines()) + "\n"
              + rf"\par\medskip {{\small {tex_text(explanation.title)}}}" + "\n" + r"\end{frame}"]
    for heading, steps in explanation.sections():
        first = next(k for k, scene in enumerate(played) if scene.step is steps[0])
        for time, section in _by_time(played[first:first + len(steps)]):
            frames.append(_frame(picture, _frame_title(heading, time), section, shown,
                                 precision, table))
    body = "\n\n".join(frames) + "\n"
    if not standalone:
        return body
    return ("\n".join([rf"\documentclass[aspectratio={ratio}]{{beamer}}", r"\usepackage{tikz}",
                        *PREAMBLE,
                       r"\setbeamertemplate{navigation symbols}{}",
                       rf"\title{{{tex_text(title)}}}", r"\begin{document}"])
            + "\n" + body + r"\end{document}" + "\n")


def _initial_labels(picture):
    """The weights as the picture writes them: on the edges, and w_0j above neuron j."""
    shape, shown = picture.shape, {}
    if not shape.label_weights:
        return shown
    for i, j in shape.edges:  # the number alone: its tie and delay are written after it
        shown["edge", i, j] = picture.formatted(shape.w[i, j])
    if picture.bias == "label":
        for j in picture.net.graph.successors(0):
            shown["bias", j] = f"w_{{0,{j}}}={picture.formatted(picture.net.w[0, j])}"
    return shown


def _label_text(label, precision, number_only):
    number = precision.format(label.value, True)
    if number_only:
        return number
    time = "" if label.time is None else f"({label.time})"
    return f"{TEX_BASES.get(label.base, label.base)}_{{{label.sub}}}{time}={number}"


def _frame_title(heading, time):
    r"""A frame's ``{title}``, or ``{title}{subtitle}`` for a time step t of a sequence: the
    pass and t above, the rest of the section's heading (T, J, …) under it.

    >>> print(_frame_title("Backpropagation through time, squared loss, J = 0.5", 2))
    {Backpropagation through time, $t = 2$}{squared loss, $J = 0.5$}
    """
    if time is None:
        return f"{{{heading_tex(heading)}}}"
    name, _, rest = heading.partition(", ")
    return f"{{{heading_tex(name)}, $t = {time}$}}{{{heading_tex(rest)}}}"


def _by_time(section):
    """A section's scenes cut where their time step changes: [(t, scenes)], one frame each
    (a sequence's forward and backward passes: one frame per time step; t None: no time)."""
    out = []
    for scene in section:
        if not out or out[-1][0] != scene.time:
            out.append((scene.time, []))
        out[-1][1].append(scene)
    return out


def _frame(picture, title, section, shown, precision, table=False):
    """One frame under `title` (TeX, braced): the picture, what each place shows overlay by
    overlay (on the picture, or with `table`, its width in cm, in a table beside it), and the
    formulas."""
    timeline = {place: [(1, text, None)] for place, text in shown.items()}
    highlights = ["% each step: its neuron and edges highlighted"]
    radius = RING * picture.shape.radius
    gap = (RING - 1) * picture.shape.radius * picture.unit * POINTS_PER_CM + RING_LINE / 2
    for k, scene in enumerate(section, start=1):
        for i, j in scene.edges:
            if (i, j) in picture.shape.curves:
                highlights.append(rf"\only<{k}>{{\draw[current edge] {picture.path(i, j)};}}")
        for j in scene.neurons:
            if j in picture.shape.shown:
                highlights.append(rf"\only<{k}>{{\draw[current] (n{j}) circle"
                                  rf"[radius={radius:.3f}];}}")
        for label in scene.labels:
            # on an edge only the number (the frame's title says what it is); above a
            # neuron its name, ∂J/∂w_0j or w_0j, which the two could not be told apart without
            text = _label_text(label, precision, label.place[0] == "edge" and not table)
            timeline.setdefault(label.place, []).append((k, text, "news"))
            shown[label.place] = text
    if table:
        x0, x1, _, _ = picture.shape.bounds()
        return "\n".join([rf"\begin{{frame}}{title}", r"\centering",
                          rf"\definecolor{{values}}{{HTML}}{{{VALUE_COLOUR}}}",
                          r"\makebox[\linewidth][c]{%",
                          rf"\begin{{minipage}}[c]{{{(x1 - x0) * picture.unit:.2f}cm}}",
                          *picture.lines(highlights, labels=False), *_delays(picture),
                          rf"\end{{minipage}}\hspace{{{GAP}cm}}%",
                          *_table(section, timeline, table), r"}\par\medskip",
                          *_formulas(section, precision), r"\end{frame}"])
    labels = ["% what each place shows, overlay by overlay (this frame's values coloured)",
              rf"\definecolor{{values}}{{HTML}}{{{VALUE_COLOUR}}}", ROOM_STYLES.format(gap=gap)]
    for place, writes in timeline.items():
        for n, (k, text, style) in enumerate(writes):
            until = writes[n + 1][0] - 1 if n + 1 < len(writes) else None
            written = _label(picture, place, text, style)
            if not written or (until is not None and until < k):
                continue  # nowhere to write it, or rewritten on the same overlay
            span = f"{k}-" if until is None else f"{k}-{until}"
            labels.append(written if span == "1-" else rf"\only<{span}>{{{written}}}")
    return "\n".join([rf"\begin{{frame}}{title}", r"\centering",
                      *picture.lines([*labels, *highlights], labels=False), r"\par\medskip",
                      *_formulas(section, precision), r"\end{frame}"])


def _formulas(section, precision):
    """Each step's formula on its overlay, shrunk to the frame's width where it is wider."""
    return [rf"\only<{k}>{{\resizebox{{\ifdim\width>\linewidth\linewidth\else\width\fi}}"
            rf"{{!}}{{${scene.step.latex(precision)}$}}}}"
            for k, scene in enumerate(section, start=1)]


def _delays(picture):
    r"""Under a picture without labels, what its dotted edges are: their delays, at
    \scriptsize (on the edges "d=1" would be \tiny)."""
    delays = picture.shape.delays
    if not delays:
        return []
    if len(set(delays.values())) == 1:
        said = f"$d={next(iter(delays.values()))}$"
    else:
        said = ", ".join(f"$w_{{{i},{j}}}$: $d={d}$" for (i, j), d in sorted(delays.items()))
    return [rf"\par{{\scriptsize dotted edges: delayed, {said}\par}}"]


def _table(section, timeline, width):
    r"""The values a frame writes, one row per place in the order first written, each row
    what its place shows overlay by overlay (a value in colour on the overlay that writes it), in a
    ``minipage`` `width` cm wide, in columns of ROWS rows."""
    rows = []
    for place in dict.fromkeys(label.place for scene in section for label in scene.labels):
        writes, cells = timeline[place], []
        for n, (k, text, style) in enumerate(writes):
            until = writes[n + 1][0] - 1 if n + 1 < len(writes) else None
            if until is not None and until < k:
                continue
            if style is not None:  # coloured on its own overlay, then black
                cells.append(rf"\only<{k}>{{\textcolor{{values}}{{\boldmath${text}$}}}}")
                k += 1
                if (until is not None and until < k) or k > len(section):
                    continue  # (an overlay past the frame's last would add a page)
            span = f"{k}-" if until is None else f"{k}-{until}"
            cells.append(f"${text}$" if span == "1-" else rf"\only<{span}>{{${text}$}}")
        rows.append("".join(cells))
    columns = max(1, -(-len(rows) // ROWS))
    size = r"\scriptsize" if columns * COLUMN_WIDTH <= width else r"\tiny"
    if size == r"\tiny":  # as many rows as the picture's height holds at 5 pt
        columns = max(1, -(-len(rows) // (2 * ROWS)))
    tall = -(-len(rows) // columns)
    cut = [rows[k:k + tall] for k in range(0, len(rows), tall)]
    cells = [" & ".join(column[n] if n < len(column) else "" for column in cut) + r" \\"
             for n in range(tall)]
    spec = r"l@{\hspace{1em}}" * (len(cut) - 1)
    return [rf"\begin{{minipage}}[c]{{{width:.2f}cm}}{size}",
            rf"\begin{{tabular}}{{@{{}}{spec}l@{{}}}}", *cells,
            r"\end{tabular}\end{minipage}%"]


def heading_tex(heading):
    r"""A section's heading as a frame title: words as text, mathematics as math.

    >>> print(heading_tex("Partial derivatives ∂J/∂w_ij = Δ_j a_i"))
    Partial derivatives $\partial J/\partial w_{ij} = \Delta _j a_i$
    >>> print(heading_tex("Weight updates, α = 0.5"))
    Weight updates, $\alpha = 0.5$
    """
    out, at = [], 0
    for match in MATH.finditer(heading):
        out.append(tex_text(heading[at:match.start()]))
        math = match.group(0)
        math = re.sub(r"×10\^(−?\d+)", lambda m: r"\times 10^{" + m.group(1) + "}", math)
        for symbol, tex in MATH_SYMBOLS.items():
            math = math.replace(symbol, tex)
        out.append(f"${math}$")
        at = match.end()
    return "".join(out) + tex_text(heading[at:])


def _label(picture, place, text, style=None):
    """The TikZ command writing `text` (math) at `place`, or "" where the picture has none."""
    kind, *ids = place
    shape = picture.shape
    if kind in ("value", "delta") and ids[0] in shape.shown:
        return picture.label_at((kind, ids[0]), f"${text}$", "value", style)
    if kind == "edge" and tuple(ids) in shape.curves:  # the number, then its tie and delay
        return picture.label_at(("weight", *ids), f"${text}${shape.tag(*ids)}", "weight",
                                style)
    if kind == "bias" and ids[0] in shape.shown:
        if (0, ids[0]) in shape.curves:  # the bias drawn as a node: label its edge
            return _label(picture, ("edge", 0, ids[0]), text, style)
        return picture.label_at(("bias", ids[0]), f"${text}$", "bias label", style)
    return ""
