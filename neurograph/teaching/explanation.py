"""An explanation's steps, and how they are written: plain text, Markdown and LaTeX.

Each step is one line of the hand calculation, kept as a short list of tokens —
symbols with subscripts, numbers, operators and function names — so that one
calculation can be written in any of the three formats.
"""

from dataclasses import dataclass, field

from ..markup import tex_math_name
from ..model.activations import ACTIVATIONS
from ..numbers import Precision

__all__ = ["Explanation", "Step"]

SECTIONS = {"forward": "Forward propagation", "backward": "Backpropagation",
            "gradient": "Partial derivatives ∂J/∂w_ij = Δ_j a_i", "update": "Weight updates"}

LATEX_SYMBOLS = {"Δ": r"\Delta", "ℓ": r"\ell", "α": r"\alpha", "λ": r"\lambda", "σ": r"\sigma",
                 "exp": r"\exp",
                 "g′": "g'", "log": r"\log", "max": r"\max", "γ": r"\gamma", "β": r"\beta",
                 "ε": r"\epsilon", "â": r"\hat a", "μ̂": r"\hat\mu", "σ̂²": r"\hat\sigma^2",
                 "√": r"\sqrt", "ρ": r"\rho", "ρ̂": r"\hat\rho", "Σ": r"\sum",
                 **{g.shown_as: g.tex for g in ACTIVATIONS.values() if g.tex}}
TEXT_OPS = {"+": " + ", "−": " − ", "·": "·", "=": " = ", "←": " ← ", "(": "(", ")": ")",
            "/": "/", "²": "²", ",": ", "}
LATEX_OPS = {"+": " + ", "−": " - ", "·": r" \cdot ", "=": " = ", "←": r" \leftarrow ",
             "(": "(", ")": ")", "/": " / ", "²": "^{2}", ",": ", "}


def sym(base, sub=None):
    """A symbol such as in_3, w_{0,3} or Δ_5 (base "dJ/dw" is ∂J/∂w_{sub})."""
    return ("sym", base, None if sub is None else str(sub))


def num(value):
    return ("num", value)


def op(symbol):
    return ("op", symbol)


def fn(name):
    """A function name applied to what follows, e.g. σ, tanh, g′."""
    return ("fn", name)


def at_time(t):
    """The time step a value belongs to, written after its symbol: a_3(2), Δ_5(t + 1)."""
    return ("time", int(t))


def remark(text):
    """Words after the calculation, e.g. "(frozen)"."""
    return ("text", text)


@dataclass(frozen=True)
class Step:
    """One line of the calculation.

    Attributes
    ----------
    section : {"forward", "backward", "gradient", "update"}
    name : str
        What the line computes, as :func:`check_answers` names it: ``"in_3"``,
        ``"a_3"``, ``"g′(in_3)"``, ``"y − a_5"``, ``"ℓ"``, ``"Δ_3"``, ``"dJ/dw_1,3"``, ``"w_1,3"``.
    value : float
        Its value (carried rounded if the explanation carries rounded values).
    tokens : tuple
        The line itself.
    """

    section: str
    name: str
    value: float
    tokens: tuple

    def text(self, digits):
        """The line as text, numbers to `digits` decimal places (or a Precision)."""
        return _render(self.tokens, digits, latex=False)

    def latex(self, digits):
        return _render(self.tokens, digits, latex=True)


def _render(tokens, digits, latex):
    ops = LATEX_OPS if latex else TEXT_OPS
    out, previous = [], None
    depth, braced = 0, []  # LaTeX: the parentheses after √ become \sqrt{…}'s braces
    for at, token in enumerate(tokens):
        kind = token[0]
        if latex and kind == "op" and token[1] in "()":
            if token[1] == "(":
                depth += 1
                if previous == ("fn", "√"):
                    braced.append(depth)
                    out.append("{")
                    previous = token
                    continue
            else:
                closing = bool(braced) and braced[-1] == depth
                depth -= 1
                if closing:
                    braced.pop()
                    out.append("}")
                    previous = token
                    continue
        if kind == "sym":
            out.append(_symbol(token[1], token[2], latex))
        elif kind == "num":
            text = _precision(digits).format(token[1], latex)
            # a negative number inside an expression goes in parentheses: 1·3 + (−2)·4
            following = tuple(tokens[at + 1]) if at + 1 < len(tokens) else None
            if text[0] in "−-" and previous is not None and previous[1] not in ("=", "←", "("):
                text = f"({text})"
            elif "10^" in text and (following in (("op", "²"), ("op", "·"), ("op", "/"))
                                    or previous in (("op", "·"), ("op", "/"))):
                text = f"({text})"  # scientific notation in a power or product: (2.2×10^−16)²
            out.append(text)
        elif kind == "op":
            unary = token[1] == "−" and (previous is None or previous[1] in ("=", "←", "("))
            out.append(("-" if latex else "−") if unary else ops[token[1]])
        elif kind == "time":
            out.append(f"({token[1]})")
        elif kind == "text":
            words = token[1].replace(" ", r"\ ")
            out.append(rf"\ \mathrm{{{words}}}" if latex else f" {token[1]}")
        else:
            name = token[1]
            out.append(_function(name) if latex else name)
        previous = token
    return "".join(out)


def _function(name):
    """A function's name in LaTeX: a known symbol, a single letter as it is, else escaped."""
    if name in LATEX_SYMBOLS:
        return LATEX_SYMBOLS[name]
    return name if len(name) == 1 and name.isascii() and name.isalpha() else tex_math_name(name)


PARTIALS = {"dJ/dw": ("J", "J", "w"), "dl/din": ("ℓ", r"\ell", "in"),
            "dl/da": ("ℓ", r"\ell", "a"), "∂â/∂a": None}
"""Symbol bases written as partial derivatives: (text numerator, LaTeX numerator, variable)."""

SUMS = {"Σ a dl/da": ("Σ_m a_m·∂ℓ/∂a_m", r"\sum_m a_m \frac{\partial \ell}{\partial a_m}"),
        "Σy": ("Σ_m y_m", r"\sum_m y_m")}
"""Symbols that are sums over the output group: (text, LaTeX)."""


def _symbol(base, sub, latex):
    if base == "∂â/∂a":  # ∂â_4/∂a_4
        if latex:
            return rf"\frac{{\partial \hat a_{{{sub}}}}}{{\partial a_{{{sub}}}}}"
        return f"∂â_{sub}/∂a_{sub}"
    if base in PARTIALS:  # ∂J/∂w_{0,3}, ∂ℓ/∂in_5, ∂ℓ/∂a_5
        text, tex, variable = PARTIALS[base]
        if latex:
            return rf"\frac{{\partial {tex}}}{{\partial {variable}_{{{sub}}}}}"
        return f"∂{text}/∂{variable}_{sub}"
    if base in SUMS:
        return SUMS[base][1 if latex else 0]
    if latex:
        base = LATEX_SYMBOLS.get(base, base)
        return base if sub is None else f"{base}_{{{sub}}}"
    return base if sub is None else f"{base}_{sub}"


@dataclass
class Explanation:
    """The hand-worked steps of forward propagation, backpropagation and an update.

    ``str()`` gives plain text; :meth:`to_markdown` and :meth:`to_latex` give the
    same steps for notes and slides. :attr:`neurons` and :attr:`edges` hold the
    per-neuron and per-edge tables as plain data.

    Attributes
    ----------
    steps : list of Step
    values : dict
        Every step's value by name (e.g. ``values["a_5"]``).
    neurons : list of dict
        One row per neuron: ``j, in_j, a_j, g′(in_j), Δ_j`` (None where undefined).
    edges : list of dict
        One row per edge: ``i, j, w_ij, a_i, Δ_j, ∂J/∂w_ij, new w_ij``.
    """

    title: str
    steps: list
    neurons: list
    edges: list
    digits: int
    carry_rounded: bool
    headings: dict = field(default_factory=dict)
    significant: int = None
    network: object = field(default=None, repr=False, compare=False)
    """A copy of the network as explained (before any update): what the pictures draw."""

    @property
    def precision(self):
        """How its numbers are shown: ``digits`` decimal places, or ``significant`` figures."""
        return Precision(self.digits, self.significant)

    @property
    def values(self):
        return {step.name: step.value for step in self.steps}

    def sections(self):
        """The steps grouped by section, in order: [(heading, [steps])]."""
        groups = []
        for step in self.steps:
            if not groups or groups[-1][0] != step.section:
                groups.append((step.section, []))
            groups[-1][1].append(step)
        return [(self.headings.get(section, SECTIONS[section]), steps)
                for section, steps in groups]

    def __str__(self):
        lines = [self.title]
        for heading, steps in self.sections():
            lines += ["", heading]
            lines += [f"  {step.text(self.precision)}" for step in steps]
        return "\n".join(lines)

    def to_markdown(self):
        """The steps as Markdown, each a bullet of inline math ($…$)."""
        lines = [f"**{self.title}**"]
        for heading, steps in self.sections():
            lines += ["", f"*{heading}*", ""]
            lines += [f"- ${step.latex(self.precision)}$" for step in steps]
        return "\n".join(lines)

    def to_latex(self):
        """The steps as LaTeX for slides: one ``$…$`` line per step, sections as comments."""
        lines = [f"% {self.title}"]
        for heading, steps in self.sections():
            lines.append(f"% {heading}")
            lines += [f"${step.latex(self.precision)}$\\\\" for step in steps]
        return "\n".join(lines)

    def _repr_markdown_(self):
        return self.to_markdown()

    def _repr_latex_(self):
        return "\n".join(f"${step.latex(self.precision)}$" for step in self.steps)

    def to_beamer(self, title=None, standalone=True, aspect="4:3"):
        r"""Beamer frames that step through the calculation on the network's TikZ picture.

        One frame per section (forward propagation, backpropagation, the partial
        derivatives, the updates); within a frame each step is an overlay: the
        neuron (and its edges) it is about highlighted, its formula under the
        picture, its value written on the picture from then on. `standalone`: a
        whole ``beamer`` document (else the frames alone, for a talk whose preamble
        loads ``tikz`` and ``\usetikzlibrary{arrows.meta}``). `aspect`: "4:3" or
        "16:9" frames. See :func:`neurograph.teaching.slides.beamer`.
        """
        from .slides import beamer
        return beamer(self, title=title, standalone=standalone, aspect=aspect)

    def to_html(self, title=None):
        """One self-contained HTML page: the picture and the steps, stepped through with
        buttons or the arrow keys; nothing is fetched from anywhere. See
        :func:`neurograph.teaching.page.page`."""
        from .page import page
        return page(self, title=title)

    def _repr_html_(self):
        from .page import fragment
        return fragment(self)

    def save(self, path, format=None, title=None, aspect="4:3"):
        """Write the explanation to a file: .html (the page), .tex (Beamer), .md or .txt.

        `format` ("html", "beamer", "latex", "markdown", "text") overrides the
        extension's choice; `aspect` is the Beamer frames' ("4:3" or "16:9"). The file is
        written whole or not at all. Returns the path.
        """
        from ..errors import NetworkError, describe
        from ..files.atomic import writable, write_atomically
        suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
        if format is None:
            format = {"html": "html", "htm": "html", "tex": "beamer", "md": "markdown",
                      "txt": "text"}.get(suffix)
        if format not in EXPLANATION_SUFFIXES:
            raise NetworkError(f"an explanation is saved as .html, .tex, .md or .txt (format "
                               f"html, beamer, latex, markdown or text); received "
                               f"{describe(str(path))}" + ("" if format is None else
                                                           f" and format {describe(format)}"))
        path = writable(path, EXPLANATION_SUFFIXES[format], f"the {format} file's name")
        text = {"html": lambda: self.to_html(title), "beamer": lambda: self.to_beamer(title, aspect=aspect),
                "latex": self.to_latex, "markdown": self.to_markdown,
                "text": self.__str__}[format]()
        return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))

    def neuron_table(self):
        """The per-neuron table as aligned text."""
        return _table(self.neurons, ["j", "in_j", "a_j", "g′(in_j)", "Δ_j"], self.precision)

    def edge_table(self):
        """The per-edge table as aligned text."""
        return _table(self.edges, ["i", "j", "w_ij", "a_i", "Δ_j", "∂J/∂w_ij", "new w_ij"],
                      self.precision)


EXPLANATION_SUFFIXES = {"html": (".html", ".htm"), "beamer": (".tex",), "latex": (".tex",),
                        "markdown": (".md",), "text": (".txt",)}
"""The file name endings each format of :meth:`Explanation.save` writes."""


def _precision(digits):
    """`digits` decimal places, or a :class:`Precision` as it is."""
    return digits if isinstance(digits, Precision) else Precision(digits)


def _table(rows, columns, digits):
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, int):
            return str(value)
        return _precision(digits).format(value)

    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[k]) for r in cells)) for k, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths)) for r in cells]
    return "\n".join(lines)
