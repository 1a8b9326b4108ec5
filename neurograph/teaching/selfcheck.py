"""A self-check page: a student types each value of an exercise and sees ✓ or the mistake.

One offline HTML file (the Content-Security-Policy of the step-through page: nothing is
fetched, only the page's own style and script run): the sheet — the network as inline SVG
with its weights, g of each neuron and the loss, the example — and an input per question.
Checking a value shows ✓ when it rounds to the key's (either reading: exactly or carried by
hand), the mistake it matches (each misconception's value for each question, worked in
Python when the page is made), or "not one of the usual mistakes". A decimal comma and the
true minus sign are read. The page holds the answers: it is for practice, not for marks.
"""

import json
import re

from ..drawing.svg import svg_picture
from ..markup import html_text
from ..model.losses import LOSSES
from ..numbers import Precision
from .lms import question_data
from .mistakes import MISCONCEPTIONS
from .page import CSP
from .page import STYLE as PICTURE_STYLE
from .sheets import activations, formula

__all__ = ["self_check_page"]

STYLE = """
body { font-family: system-ui, sans-serif; color: #222; margin: 1rem 2rem; max-width: 50rem; }
svg { width: 100%; max-height: 45vh; }
ol li { margin: 0.4rem 0; }
input { width: 7rem; font-size: 1rem; }
.verdict { margin-left: 0.6rem; }
.right { color: #1a7f37; font-weight: bold; }
.wrong { color: #b42318; }
.facts li { margin: 0.1rem 0; }
"""

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById("questions").textContent);
  function read(text) {
    text = text.trim().replace(/\\u2212/g, "-");
    if (text.indexOf(",") >= 0 && text.indexOf(".") < 0) text = text.replace(",", ".");
    if (!/^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$/.test(text)) return null;
    return parseFloat(text);
  }
  function near(value, answer) {
    return Math.abs(value - answer[0]) <= answer[1] * (1 + 1e-9) + 1e-12;
  }
  function check(item) {
    var name = item.getAttribute("data-name"), question = data[name];
    var input = item.querySelector("input"), out = item.querySelector(".verdict");
    var value = read(input.value);
    if (value === null) {
      out.className = "verdict wrong"; out.textContent = "write a number, e.g. 0.25";
      return;
    }
    if (question.right.some(function (a) { return near(value, a); })) {
      out.className = "verdict right"; out.textContent = "\\u2713"; return;
    }
    for (var k = 0; k < question.mistakes.length; k++) {
      if (near(value, question.mistakes[k])) {
        out.className = "verdict wrong";
        out.textContent = "\\u2717 probably: " + question.mistakes[k][2]; return;
      }
    }
    out.className = "verdict wrong";
    out.textContent = "\\u2717 not one of the usual mistakes: check the formula and the numbers";
  }
  document.querySelectorAll("li[data-name]").forEach(function (item) {
    item.querySelector("button").addEventListener("click", function () { check(item); });
    item.querySelector("input").addEventListener("keydown", function (event) {
      if (event.key === "Enter") check(item);
    });
  });
})();
"""


def self_check_page(ex):
    """The exercise's self-check page (HTML text); see :mod:`.selfcheck`.

    Examples
    --------
    >>> import neurograph as ng
    >>> html = ng.exercise(kind="forward", seed=3).to_html()
    >>> html.count('<li data-name='), "Content-Security-Policy" in html
    (6, True)
    """
    p = Precision(ex.digits, ex.significant)
    net = ex.network
    data, items = {}, []
    for name, _, answers in question_data(ex):
        data[name] = {"right": [[v, tol] for v, tol, _, _, code in answers if code is None],
                      "mistakes": [[v, tol, MISCONCEPTIONS[code]] for v, tol, _, _, code
                                   in answers if code is not None]}
        shown = f"{name} (updated)" if name.startswith("w_") else name
        items.append(f'<li data-name="{html_text(name)}"><label>{_sub(shown)} = '
                     f'<input type="text" inputmode="decimal" aria-label="{html_text(shown)}">'
                     f'</label> <button type="button">check</button>'
                     f'<span class="verdict" role="status"></span></li>')
    payload = json.dumps(data, ensure_ascii=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    title = ex.title if ex.title is not None else "Exercise"
    facts = [f"<li>neuron{'s' * (len(js) > 1)} {', '.join(map(str, js))}: "
             f"{html_text(g.name)}, {_math(formula(g))}</li>"
             for js, g in activations(ex)]
    example = "x = (" + ", ".join(p.format(v) for v in ex.x) + ")"
    if ex.kind != "forward":
        facts.append(f"<li>loss: {html_text(ex.loss)}, "
                     f"{_math('ℓ = ' + LOSSES[ex.loss].formula)}</li>")
        example += ", y = (" + ", ".join(p.format(v) for v in ex.y) + ")"
    if ex.kind == "sgd":
        example += f", α = {p.format(ex.lr)}"
    how = "carrying the rounded values on, as by hand" if ex.carry_rounded else "exactly"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html_text(title)}</title>", f"<style>{PICTURE_STYLE}{STYLE}</style>",
        "</head>", "<body>",
        f"<h1>{html_text(title)}</h1>",
        f"<p>{html_text(ex.course) + ' · ' if ex.course else ''}variant "
        f"{html_text(ex.seed)}: type each value and press check (or Enter).</p>",
        '<div class="neurograph-steps">', svg_picture(net, digits=ex.digits), "</div>",
        '<ul class="facts">', *facts, "</ul>",
        f"<p>{html_text(example)}. Compute, to {html_text(p.words())} ({how}):</p>",
        "<ol>", *items, "</ol>",
        f'<script type="application/json" id="questions">{payload}</script>',
        f"<script>{SCRIPT}</script>", "</body>", "</html>", ""])


TEX_WORDS = {r"\tanh": "tanh", r"\max": "max", r"\log": "log", r"\exp": "exp",
             r"\sum": "Σ", r"\ell": "ℓ", r"\geq": "≥", r"\left": "", r"\right": "",
             r"\{": "{", r"\}": "}", r"\,": " ", r"\\": "; ",
             r"\begin{cases}": "{ ", r"\end{cases}": "", "&": " ", "-": "−"}
"""LaTeX of the activations' and losses' formulas, as text (the page typesets no LaTeX)."""
FRACTION = re.compile(r"\\frac\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
SCRIPT_MARK = re.compile(r"([_^])(\{[^{}]*\}|[A-Za-z0-9])")


def _math(tex):
    """A formula's LaTeX as HTML a reader can read: fractions as (a)/(b), sub- and
    superscripts as <sub> and <sup>, commands as words or signs (escaped, in <i>)."""
    text = re.sub(r"\\text\{([^{}]*)\}", r"\1", tex)  # \text{otherwise}: the word
    while FRACTION.search(text):
        text = FRACTION.sub(lambda m: _grouped(m.group(1)) + "/" + _grouped(m.group(2)), text)
    for word, shown in TEX_WORDS.items():
        text = text.replace(word, shown)
    return "<i>" + _scripts(text).replace("  ", " ") + "</i>"


def _scripts(text):
    """`text` escaped, with _x and ^{…} as <sub> and <sup> (nested ones too)."""
    out, at = [], 0
    for match in SCRIPT_MARK.finditer(text):
        out.append(html_text(text[at:match.start()]))
        tag = "sub" if match.group(1) == "_" else "sup"
        inner = match.group(2)
        inner = _scripts(inner[1:-1]) if inner.startswith("{") else html_text(inner)
        out.append(f"<{tag}>{inner}</{tag}>")
        at = match.end()
    out.append(html_text(text[at:]))
    return "".join(out)


def _grouped(text):
    """A fraction's part, in parentheses unless it is one symbol."""
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _sub(name):
    """in_3 as in<sub>3</sub> (escaped)."""
    base, _, rest = name.partition("_")
    if not rest:
        return html_text(name)
    sub, _, tail = rest.partition(" ")
    return f"{html_text(base)}<sub>{html_text(sub)}</sub>" + (f" {html_text(tail)}" if tail
                                                               else "")
