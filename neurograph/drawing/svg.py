"""Networks as inline SVG, for web pages: the picture of :func:`plot_network`, element by element.

Each element carries a ``data-id`` — ``neuron-j``, ``edge-i-j``, ``weight-i-j``,
``bias-j``, ``value-j``, ``delta-j`` — so a script can highlight a neuron or
rewrite a label, and a test can read them. Text is escaped: a title or a name with
``<`` or ``&`` shows as written.
"""

import math

from ..markup import html_text
from ..numbers import format_number
from .geometry import geometry
from .network import BIAS_COLOUR, INPUT_COLOUR, NEGATIVE, POSITIVE, PROCESSING_COLOUR

__all__ = ["svg_picture"]

PIXELS = 90.0  # per layout unit
SMALLEST_TEXT = 0.75
"""The smallest text's size, times the labels' font (the marks Σ, BN; the page's CSS)."""


def svg_picture(net, digits=2, bias="label", weights=None, room=None, legible=None):
    """`net` as an ``<svg>`` element (a string), labels ready to be rewritten by a script.

    `room`: the texts each label will be rewritten to (see
    :func:`~neurograph.drawing.geometry.geometry`), so that each has room for its longest.
    A label that found no room is left out, and the picture says how many were.

    `legible`: ``(px, height)``, the smallest text size a reader needs and the height the
    page gives the picture (px). Where the picture that high would set its text smaller, it
    is drawn at the width that sets its smallest text `px` high (``class="big"``): the page
    lets it scroll.

    Examples
    --------
    >>> import neurograph as ng
    >>> svg = svg_picture(ng.Network.layered([2, 2, 1], seed=0))
    >>> svg.count('class="neuron'), svg.count('class="edge')
    (5, 6)
    """
    shape = geometry(net, None, bias, weights, digits=digits, em="radius", room=room)
    x0, x1, y0, y1 = shape.bounds()
    r = shape.radius * PIXELS
    font = min(15.0, shape.em * PIXELS)  # the labels'; the ids inside the neurons are larger
    size = ""
    if legible is not None:
        px, height = legible
        scale = px / (SMALLEST_TEXT * font)  # screen px per svg unit for legible text
        if (y1 - y0) * PIXELS * scale > height:
            size = f' class="big" width="{math.ceil((x1 - x0) * PIXELS * scale)}"'

    def px(point):
        x, y = point
        return f"{(x - x0) * PIXELS:.1f},{(y1 - y) * PIXELS:.1f}"

    def at(spot):
        x, y = px((spot.x, spot.y)).split(",")
        return f'x="{x}" y="{y}"'

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {(x1 - x0) * PIXELS:.0f} '
           f'{(y1 - y0) * PIXELS:.0f}"{size} role="img" aria-label="the network" '
           f'style="--font:{font:.1f}px">',
           "<defs>"]
    for name, colour in (("positive", POSITIVE), ("negative", NEGATIVE),
                         ("current", "#CC79A7")):
        out.append(f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" '
                   f'orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    for i, j in shape.edges:
        curve, w_ij = shape.curves[i, j], shape.w[i, j]
        first, second = curve.cubic()  # the same curve, its control points inside the picture
        sign = "positive" if w_ij >= 0 else "negative"
        kind = " bias-edge" if i == 0 else (" tied" if (i, j) in shape.tie_of else "")
        kind += " delayed" if (i, j) in shape.delays else ""
        width = (0.15 + 0.75 * abs(w_ij) / shape.largest if shape.crowded
                 else shape.width(i, j)) * PIXELS / 72 * 1.3
        marker = "" if shape.crowded else f' marker-end="url(#arrow-{sign})"'
        out.append(f'<path class="edge {sign}{kind}" data-id="edge-{i}-{j}" '
                   f'd="M{px(curve.a)} C{px(first)} {px(second)} {px(curve.b)}" '
                   f'stroke-width="{width:.2f}"{marker}/>')
    for (kind, *ids), spot in shape.spots.items():
        if kind == "weight":
            i, j = ids
            text = format_number(shape.w[i, j], digits) if shape.label_weights else ""
            tag = shape.tag(i, j)  # kept by a script that rewrites the number
            data = f' data-tag="{html_text(tag)}"' if tag else ""
            out.append(f'<text class="weight" data-id="weight-{i}-{j}"{data} '
                       f'{at(spot)}>{html_text(f"{text}{tag}".strip())}</text>')
    for j in shape.shown:
        neuron = net.neuron(j)
        colour = {"bias": BIAS_COLOUR, "input": INPUT_COLOUR}.get(neuron.kind, PROCESSING_COLOUR)
        x, y = px(shape.where[j]).split(",")
        out.append(f'<g class="neuron {neuron.kind}" data-id="neuron-{j}">'
                   f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour}"/>'
                   f'<text class="id" x="{x}" y="{y}" '
                   f'style="font-size:{min(15.0, 0.95 * r):.1f}px">'
                   f'{j}</text></g>')
        if ("aggregation", j) in shape.spots:
            out.append(f'<text class="mark" {at(shape.spots["aggregation", j])}>'
                       f'{html_text(neuron.aggregation.symbol)}</text>')
        if neuron.norm is not None:
            out.append(f'<circle class="bn" cx="{x}" cy="{y}" r="{1.22 * r:.1f}"/>')
            if ("bn", j) in shape.spots:
                out.append(f'<text class="mark" {at(shape.spots["bn", j])}>BN</text>')
        for kind, name in (("value", "value"), ("delta", "value delta")):
            if (kind, j) in shape.spots:
                out.append(f'<text class="{name}" data-id="{kind}-{j}" '
                           f'{at(shape.spots[kind, j])}></text>')
        if ("bias", j) in shape.spots:
            text = (f"w0,{j} = {format_number(net.w[0, j], digits)}"
                    if bias == "label" and shape.label_weights else "")
            out.append(f'<text class="bias" data-id="bias-{j}" {at(shape.spots["bias", j])}>'
                       f'{html_text(text)}</text>')
    for name, members in shape.groups.items():
        xs = [shape.where[j][0] for j in members]
        ys = [shape.where[j][1] for j in members]
        pad, tall = 1.6 * shape.radius, 2.9 * shape.radius
        left, top = px((min(xs) - pad, max(ys) + tall)).split(",")
        out.append(f'<rect class="group" x="{left}" y="{top}" '
                   f'width="{(max(xs) - min(xs) + 2 * pad) * PIXELS:.1f}" '
                   f'height="{(max(ys) - min(ys) + 2 * tall) * PIXELS:.1f}" rx="{r:.1f}"/>')
        if ("group", name) in shape.spots:
            out.append(f'<text class="group-label" {at(shape.spots["group", name])}>'
                       f'{html_text(name)}</text>')
    if ("note",) in shape.spots:
        out.append(f'<text class="note" {at(shape.spots["note",])}>'
                   f'{html_text(shape.note())}</text>')
    out.append("</svg>")
    return "\n".join(out)
