"""An explanation as one self-contained web page: the picture and the steps, stepped through.

The page is a single HTML file — inline SVG (:mod:`neurograph.drawing.svg`), CSS
and a small script, no fonts, libraries or images fetched from anywhere (its
Content-Security-Policy forbids it). "next" (→) and "back" (←) move one step;
Home and End go to the start and the end. Each step highlights its neuron and
edges, shows its formula, and writes its value on the picture: a_j under neuron j
in the forward pass, Δ_j under that in the backward pass, ∂J/∂w_ij and then the
new w_ij on the edges. A sequence's steps (:func:`~neurograph.teaching.sequence_steps.
explain_sequence`) write a_j(t) and Δ_j(t) with their time, and chips t = 1 … T jump to a time
step's first line in the pass under way. :func:`fragment` is the same without the page around
it, for Jupyter (``Explanation._repr_html_``).
"""

import hashlib
import json
import re

from ..drawing.svg import svg_picture
from ..errors import NetworkError, describe
from ..markup import html_text
from ..numbers import format_number
from .storyboard import default_title, room, scenes

__all__ = ["fragment", "page"]

LEGIBLE = (12, 480)
"""The smallest text on the picture (px), at the height the page gives it (px: 60vh of a
1280×800 window); a picture that high with smaller text is drawn as wide as it needs, in a box
that scrolls, the current neuron kept in view."""
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
.neurograph-steps { font-family: system-ui, sans-serif; color: #222; max-width: 60rem; }
.neurograph-steps:focus { outline: none; }
.neurograph-steps svg { width: 100%; max-height: 60vh; }
.neurograph-steps .picture { overflow: auto; max-height: 62vh; }
.neurograph-steps svg.big { width: auto; max-width: none; max-height: none; }
.neurograph-steps .edge { fill: none; opacity: 0.9; }
.neurograph-steps .edge.positive { stroke: #0072B2; }
.neurograph-steps .edge.negative { stroke: #D55E00; }
.neurograph-steps .edge.bias-edge { stroke-dasharray: 6 4; }
.neurograph-steps .edge.tied { stroke-dasharray: 8 3 2 3; }
.neurograph-steps .edge.delayed { stroke-dasharray: 1.5 3; }
.neurograph-steps .edge.current { stroke: #CC79A7; stroke-width: 5px; opacity: 1; }
.neurograph-steps .neuron circle { stroke: #333; stroke-width: 1.2; }
.neurograph-steps .neuron.current circle { stroke: #CC79A7; stroke-width: 5; }
.neurograph-steps text { font-size: var(--font); text-anchor: middle;
  dominant-baseline: central; }
.neurograph-steps .id { font-weight: bold; }
.neurograph-steps .weight { font-size: calc(0.85 * var(--font)); paint-order: stroke;
  stroke: white; stroke-width: 4px; }
.neurograph-steps .bias, .neurograph-steps .value { font-size: calc(0.8 * var(--font));
  paint-order: stroke; stroke: white; stroke-width: 3px; }
.neurograph-steps .bias { fill: #444; }
.neurograph-steps .mark { font-size: calc(0.75 * var(--font)); font-style: italic; }
.neurograph-steps .note { font-size: calc(0.8 * var(--font)); font-style: italic; fill: #444; }
.neurograph-steps .bn, .neurograph-steps .group { fill: none; stroke: #555; }
.neurograph-steps .group { stroke-dasharray: 5 4; }
.neurograph-steps .group-label { font-style: italic; }
.neurograph-steps .sub { font-size: 75%; }
.neurograph-steps .fresh { fill: #A0457A; font-weight: bold; }
.neurograph-steps .controls { display: flex; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
.neurograph-steps button { font-size: 1rem; padding: 0.3rem 0.8rem; }
.neurograph-steps .times button { border-radius: 1rem; padding: 0.2rem 0.7rem; }
.neurograph-steps .times button.now { background: #A0457A; color: white; font-weight: bold; }
.neurograph-steps .formula { font-size: 1.25rem; min-height: 2em; font-family: serif; }
.neurograph-steps ol { font-family: serif; color: #555; max-height: 30vh; overflow: auto; }
.neurograph-steps li.todo { display: none; }
.neurograph-steps li.now { color: #A0457A; font-weight: bold; }
"""

SCRIPT = """
(function () {
  const root = document.getElementById(%(root)s);
  const data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const svgNS = "http://www.w3.org/2000/svg";
  const find = (id) => root.querySelector("[data-id='" + id + "']");
  const steps = Array.from(root.querySelectorAll("li[data-step]"));
  let k = 0;
  function write(label) {
    const [id, base, sub, number, time] = label, el = find(id);
    if (!el) return;
    el.textContent = "";
    if (base) {
      const t = document.createElementNS(svgNS, "tspan");
      t.setAttribute("class", "sub");
      t.setAttribute("baseline-shift", "sub");
      t.textContent = sub;
      el.append(base, t, time ? "(" + time + ")" : "", " = ");
    }
    el.append(number, el.dataset.tag || "");  // an edge keeps its tie [k] and delay d=…
  }
  function show(n) {
    k = Math.max(0, Math.min(n, data.scenes.length));
    root.querySelectorAll(".current, .fresh").forEach(
      (e) => e.classList.remove("current", "fresh"));
    root.querySelectorAll("[data-id^='value-'], [data-id^='delta-']").forEach(
      (e) => { e.textContent = ""; });
    data.initial.forEach(write);
    for (let m = 0; m < k; m++) data.scenes[m].labels.forEach(write);
    const scene = k > 0 ? data.scenes[k - 1] : null;
    if (scene) {
      const mark = (id, name) => { const e = find(id); if (e) e.classList.add(name); };
      scene.neurons.forEach((j) => mark("neuron-" + j, "current"));
      scene.edges.forEach((e) => mark("edge-" + e, "current"));
      scene.labels.forEach((l) => mark(l[0], "fresh"));
      const box = root.querySelector(".picture"), ring = root.querySelector(".neuron.current");
      if (ring && (box.scrollHeight > box.clientHeight || box.scrollWidth > box.clientWidth)) {
        const r = ring.getBoundingClientRect(), b = box.getBoundingClientRect();
        // a big picture scrolls in its box: the current neuron (and its label) kept in view
        if (r.left < b.left || r.right > b.right) {
          box.scrollLeft += r.left + r.width / 2 - (b.left + b.width / 2);
        }
        if (r.top < b.top || r.bottom + 2 * r.height > b.bottom) {
          box.scrollTop += r.top + r.height / 2 - (b.top + b.height / 2);
        }
      }
    }
    steps.forEach((li, m) => {
      li.className = m < k - 1 ? "done" : (m === k - 1 ? "now" : "todo");
    });
    if (k > 0) {  // the list follows the step: the current line stays in view
      const li = steps[k - 1], ol = li.parentElement;
      const below = li.offsetTop - ol.offsetTop + li.offsetHeight + 8;
      ol.scrollTop = Math.max(0, below - ol.clientHeight);
    }
    root.querySelector(".section").innerHTML = scene ? scene.section : data.start;  // escaped
    root.querySelector(".formula").innerHTML = scene ? scene.text : "";  // escaped in Python
    root.querySelector(".counter").textContent = "step " + k + " of " + data.scenes.length;
    root.querySelector("[data-action='back']").disabled = k === 0;
    root.querySelector("[data-action='next']").disabled = k === data.scenes.length;
    root.querySelectorAll("button[data-time]").forEach((b) => {
      b.classList.toggle("now", scene !== null && String(scene.time) === b.dataset.time);
    });
    root.dataset.step = k;
  }
  function jump(time) {  // to time t's first step in the pass under way (forward at first)
    const now = k > 0 ? data.scenes[k - 1] : null;
    const pass = now && now.time !== null ? now.pass : data.scenes[0].pass;
    const m = data.scenes.findIndex((s) => s.time === time && s.pass === pass);
    if (m >= 0) show(m + 1);
  }
  const moves = { next: () => show(k + 1), back: () => show(k - 1),
                  start: () => show(0), end: () => show(data.scenes.length) };
  root.querySelectorAll("button[data-action]").forEach(
    (b) => b.addEventListener("click", moves[b.dataset.action]));
  root.querySelectorAll("button[data-time]").forEach(
    (b) => b.addEventListener("click", () => jump(Number(b.dataset.time))));
  const keys = { ArrowRight: "next", ArrowLeft: "back", Home: "start", End: "end" };
  (root.dataset.keys === "page" ? document : root).addEventListener("keydown", (event) => {
    if (keys[event.key]) { moves[keys[event.key]](); event.preventDefault(); }
  });
  show(0);
})();
"""


def page(explanation, title=None):
    r"""The whole page; see :meth:`Explanation.to_html`.

    Examples
    --------
    >>> from neurograph.teaching.lectures import sgd_network
    >>> html = sgd_network().explain([1, 0], [1], lr=0.5).to_html()
    >>> import re
    >>> html.startswith("<!DOCTYPE html>"), set(re.findall(r"https?://[\w./]+", html))
    (True, {'http://www.w3.org/2000/svg'})
    """
    title = default_title(explanation) if title is None else _title(title)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_text(title)}</title>", "</head>",
        '<body style="margin: 1rem 2rem">', f"<h1>{html_text(title)}</h1>",
        fragment(explanation, keys="page"), "</body>", "</html>", ""])


def fragment(explanation, keys="focus"):
    """The picture, the controls and the steps as one ``<div>`` with its style and script.

    `keys`: "page" listens to the arrow keys anywhere on the page; "focus" (Jupyter)
    only while the block has the focus (click it first).
    """
    if explanation.network is None:
        raise NetworkError("this explanation was made without its network; make it with "
                           "net.explain(…) to draw it")
    played = scenes(explanation)
    precision = explanation.precision
    where = _places(explanation.network)
    headings = {steps[0].section: heading for heading, steps in explanation.sections()}
    data = {"start": "Press next (→) to start: the network before the first step.",
            "initial": _initial(explanation.network, explanation.digits),
            "scenes": [{"section": _html(headings[scene.step.section], letters=True),
                        "pass": scene.step.section, "time": scene.time,
                        "text": _html(scene.step.text(precision)),
                        "neurons": list(scene.neurons),
                        "edges": [f"{i}-{j}" for i, j in scene.edges],
                        "labels": [_label(where, label, precision) for label in scene.labels
                                   if where(label.place)]}
                       for scene in played]}
    payload = json.dumps(data, ensure_ascii=False)
    root = "neurograph-" + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:10]
    # inside <script>, "<" could close the element: JSON lets it be written \\u003c
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    listing = "\n".join(f'<li data-step="{k}" class="todo">{_html(scene.step.text(precision))}'
                        f"</li>" for k, scene in enumerate(played, start=1))
    return "\n".join([
        f'<div class="neurograph-steps" id="{root}" tabindex="0" data-keys="{keys}">',
        f"<style>{STYLE}</style>",
        '<div class="picture">',
        svg_picture(explanation.network, digits=explanation.digits, room=room(explanation),
                    legible=LEGIBLE),
        "</div>",
        '<div class="controls">',
        '<button type="button" data-action="start" title="start (Home)">◀◀</button>',
        '<button type="button" data-action="back" title="back (←)">◀ back</button>',
        '<button type="button" data-action="next" title="next (→)">next ▶</button>',
        '<button type="button" data-action="end" title="end (End)">▶▶</button>',
        '<span class="counter"></span>', "</div>", *_chips(played),
        '<div class="section"></div>', '<div class="formula"></div>',
        f"<ol>{listing}</ol>",
        f'<script type="application/json">{payload}</script>',
        f"<script>{SCRIPT % {'root': json.dumps(root)}}</script>",
        "</div>"])


def _chips(played):
    """A sequence's time chips, t = 1 … T: each jumps to its time step in the pass under way
    (none for an explanation without time steps)."""
    times = sorted({scene.time for scene in played if scene.time is not None})
    if not times:
        return []
    chips = " ".join(f'<button type="button" data-time="{t}" title="jump to t = {t}">{t}'
                     f"</button>" for t in times)
    return [f'<div class="controls times"><span>time step t:</span> {chips}</div>']


def _html(text, letters=False):
    """A step's text as HTML: escaped, then its subscripts (in_3, w_0,3) set as <sub>; with
    `letters`, a heading's too (∂J/∂w_ij, Δ_j, a_j(t ≤ 0), Σ_t)."""
    subscript = r"_(\d+(?:,\d+)?|[ijkt]{1,2}\b)" if letters else r"_(\d+(?:,\d+)?)"
    return re.sub(subscript, r"<sub>\1</sub>", html_text(text))


def _title(title):
    if not isinstance(title, str):
        raise NetworkError(f"title must be text; received {describe(title)}")
    return title


def _places(net):
    """A function from a storyboard place to the picture's data-id (None: not drawn)."""
    drawn = set(net.graph)

    def where(place):
        kind, *ids = place
        if kind in ("value", "delta"):
            return f"{kind}-{ids[0]}" if ids[0] in drawn and ids[0] != 0 else None
        if kind == "edge":
            return f"weight-{ids[0]}-{ids[1]}"
        return f"bias-{ids[0]}"
    return where


def _label(where, label, precision):
    """[data-id, symbol, subscript, number] as the script writes it: on an edge the number
    alone, elsewhere with its symbol (∂J/∂w_0,j and w_0,j share the place above neuron j)."""
    number = precision.format(label.value)
    if label.place[0] == "edge":
        return [where(label.place), "", "", number, None]
    return [where(label.place), label.base, label.sub, number, label.time]


def _initial(net, digits):
    """The weights and bias weights as the picture first shows them (an edge's tie and delay
    are the picture's own, written after each number by the script)."""
    out = []
    for i, j in net.edges():
        number = format_number(net.w[i, j], digits)
        if i == 0:
            out.append([f"bias-{j}", "w", f"0,{j}", number, None])
        else:
            out.append([f"weight-{i}-{j}", "", "", number, None])
    return out
