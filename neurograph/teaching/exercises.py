"""Exercises with nice numbers, and their answer keys: the teacher's kit.

:func:`exercise` draws a network's weights and an example on a coarse grid (multiples of 0.5
by default) from a seed, redrawing until every |in_j| is within `limit` (g not saturated), and
picks targets that make the error visible. The questions are the values a student computes
for the kind asked — "forward": in_j and a_j; "backprop": also each Δ_j; "sgd": also every
updated weight — and the key is :func:`~.explain.explain`'s worked steps, rounded as printed
(carrying the rounded values, as by hand, unless ``carry_rounded=False``). The same seed gives
the same exercise, byte for byte, on any machine: only integers and exact grid values are
drawn, and the arithmetic is the reference engine's.
"""

import json
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..files.atomic import writable, write_atomically
from ..model.network import Network
from ..numbers import Precision

__all__ = ["exercise", "Exercise", "load_exercise", "KINDS"]

KINDS = ("forward", "backprop", "sgd")
FORMAT = "neurograph-exercise"
MAX_TRIES = 10_000


@dataclass
class Exercise:
    """One exercise: the network, the example, what to compute, and the key.

    Attributes
    ----------
    network : Network
    x, y : list of float
    lr : float or None
        α, for "sgd".
    kind : {"forward", "backprop", "sgd"}
    loss : str
    digits : int
        Decimal places of the key (unless `significant`).
    significant : int or None
    carry_rounded : bool
        Whether the key carries rounded values, as by hand (the sheet says which).
    questions : list of str
        The names of the values asked for, as :func:`check_answers` reads them.
    answers : dict
        ``{name: value}`` rounded as the key prints them (empty in a student's copy).
    seed : int
    """

    network: Network
    x: list
    y: list
    lr: float
    kind: str
    loss: str
    digits: int
    significant: int
    carry_rounded: bool
    questions: list
    answers: dict = field(default_factory=dict)
    seed: int = 0

    def explanation(self):
        """The worked steps the key prints."""
        return self.network.explain(self.x, self.y if self.kind != "forward" else None,
                                    lr=self.lr if self.kind == "sgd" else None, loss=self.loss,
                                    digits=self.digits, significant=self.significant,
                                    carry_rounded=self.carry_rounded)

    def _precision(self):
        return Precision(self.digits, self.significant)

    def plot(self, path, **kwargs):
        """Draw the exercise's network with its weights (what the sheet shows) into `path`."""
        return self.network.plot(path, weights=True, title=kwargs.pop(
            "title", f"Exercise {self.seed}"), **kwargs)

    def to_markdown(self, answers=False, picture=None):
        """The sheet (and with `answers`, the key) as Markdown; `picture` names the drawing
        of the network (:meth:`plot`) to show."""
        p = self._precision()
        lines = [f"## Exercise ({self.kind}, seed {self.seed})", "",
                 f"Network: inputs {self.network.inputs}, hidden {self.network.hidden}, "
                 f"outputs {self.network.outputs}; g = "
                 f"{self.network.neuron(self.network.outputs[0]).activation.name}; "
                 f"{self.loss} loss.", "", "| edge | weight |", "|---|---:|"]
        lines += [f"| w_{i},{j} | {p.format(w)} |" for (i, j), w in self.network.w.items()]
        if picture:
            lines += ["", f"![the network, with its weights]({picture})"]
        lines += ["", "x = (" + ", ".join(p.format(v) for v in self.x) + ")"]
        if self.kind != "forward":
            lines.append("y = (" + ", ".join(p.format(v) for v in self.y) + ")")
        if self.kind == "sgd":
            lines.append(f"α = {p.format(self.lr)}")
        how = "carrying the rounded values, as by hand" if self.carry_rounded else \
            "with exact intermediate values"
        lines += ["", f"Compute, to {p.words()} ({how}):", ""]
        lines += [f"- {name} = " + (p.format(self.answers[name]) if answers else "____")
                  for name in self.questions]
        if answers:
            lines += ["", self.explanation().to_markdown()]
        return "\n".join(lines) + "\n"

    def to_latex(self, answers=False, picture=None):
        """The sheet (and with `answers`, the key) as a LaTeX document that compiles alone
        (with `picture`, the network's drawing beside it: a PNG or PDF file)."""
        p = self._precision()
        weights = " \\\\\n".join(f"$w_{{{i},{j}}}$ & ${p.format(w, latex=True)}$"
                                 for (i, j), w in self.network.w.items())
        rows = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\usepackage{graphicx}",
                r"\begin{document}", rf"\section*{{Exercise ({self.kind}, seed {self.seed})}}",
                r"\begin{tabular}{lr}", "edge & weight \\\\ \\hline", weights, r"\end{tabular}"]
        if picture:
            rows.append(rf"\quad\includegraphics[width=0.55\textwidth]{{{picture}}}")
        rows += ["", "$x = (" + ", ".join(p.format(v, latex=True) for v in self.x) + ")$"]
        if self.kind != "forward":
            rows.append("\\quad $y = (" + ", ".join(p.format(v, latex=True) for v in self.y)
                        + ")$")
        if self.kind == "sgd":
            rows.append(rf"\quad $\alpha = {p.format(self.lr, latex=True)}$")
        how = "carrying the rounded values, as by hand" if self.carry_rounded else \
            "with exact intermediate values"
        rows += ["", rf"Compute, to {p.words()} ({how}):", r"\begin{itemize}"]
        for name in self.questions:
            blank = r"\underline{\hspace{2cm}}"
            value = p.format(self.answers[name], latex=True) if answers else blank
            rows.append(rf"\item ${_latex_name(name)} = {value}$")
        rows.append(r"\end{itemize}")
        if answers:
            rows += [r"\subsection*{Worked steps}", self.explanation().to_latex()]
        rows.append(r"\end{document}")
        return "\n".join(rows) + "\n"

    def to_document(self, answers=True):
        """The exercise as plain data (a student's copy without answers)."""
        return {"format": FORMAT, "version": 1, "network": self.network.to_document(),
                "x": self.x, "y": self.y, "lr": self.lr, "kind": self.kind,
                "loss": self.loss, "digits": self.digits, "significant": self.significant,
                "carry_rounded": self.carry_rounded, "questions": self.questions,
                "answers": dict(self.answers) if answers else {}, "seed": self.seed}

    def save(self, path, answers=True):
        """Write the exercise as JSON (a student's copy with ``answers=False``)."""
        path = writable(path, (".json",), "an exercise file's name")
        data = (json.dumps(self.to_document(answers), indent=1) + "\n").encode("utf-8")
        return write_atomically(path, lambda handle: handle.write(data))


def exercise(sizes=(2, 2, 1), kind="sgd", seed=0, loss="squared", activation="logistic",
             lr=0.5, digits=2, significant=None, carry_rounded=True, network=None, grid=0.5,
             limit=4.0):
    """An exercise with nice numbers and its answer key.

    Parameters
    ----------
    sizes : sequence of int
        A layered network's sizes (ignored when `network` is given).
    kind : {"forward", "backprop", "sgd"}
    seed : int
        The same seed, the same exercise; different seeds, different exercises.
    loss, activation : str
    lr : float
        α for "sgd".
    digits, significant : int
        How the key rounds (decimal places, or significant figures).
    carry_rounded : bool, default True
        The key carries rounded values, as by hand (False: exact intermediates).
    network : Network, optional
        Any DAG, skip edges included: its structure and activations are kept, its weights
        drawn afresh.
    grid : float, default 0.5
        Weights and inputs are multiples of it.
    limit : float, default 4
        Every |in_j| stays within it.

    Examples
    --------
    >>> import neurograph as ng
    >>> ex = ng.exercise(sizes=(2, 2, 1), kind="sgd", seed=7)
    >>> ex.questions[:3], len(ex.answers) == len(ex.questions)
    (['in_3', 'a_3', 'in_4'], True)
    """
    if kind not in KINDS:
        raise NetworkError(f"unknown exercise kind {describe(kind)}; expected one of: "
                           f"{', '.join(map(repr, KINDS))}")
    if type(seed) is not int or seed < 0:
        raise NetworkError(f"seed must be a whole number ≥ 0 (it names the exercise); "
                           f"received {describe(seed)}")
    grid, limit = _positive(grid, "grid"), _positive(limit, "limit")
    lr = checks.option("lr", lr)
    digits = checks.option("digits", digits)
    base = (network.copy() if network is not None else
            Network.layered(sizes, activation=activation, seed=0))
    rng = np.random.default_rng(seed)
    steps = max(int(round(2.0 / grid)), 1)  # weights in ±[grid, 2], inputs in [−1, 2]: not 0
    for _ in range(MAX_TRIES):
        for key in base.w:
            base.w[key] = _nonzero(rng, -steps, steps) * grid
        x = [_nonzero(rng, -max(steps // 2, 1), steps) * grid for _ in base.inputs]
        base.forward(x)
        sums = [base.neuron(j).in_ for j in base.hidden + base.outputs]
        if all(abs(s) <= limit for s in sums) and not all(s == 0 for s in sums):
            break
    else:
        raise NetworkError(f"no weights on a grid of {grid:g} keep every |in_j| ≤ {limit:g} for "
                           f"this network; widen limit or make grid finer")
    outputs = [base.neuron(k) for k in base.outputs]
    if outputs[0].activation.group:  # softmax: the least likely class is the right one
        least = min(range(len(outputs)), key=lambda k: outputs[k].a)
        y = [1.0 if k == least else 0.0 for k in range(len(outputs))]
    else:
        y = [0.0 if neuron.a >= 0.5 else 1.0 for neuron in outputs]  # a visible error
    base.clear_values()
    questions = [f"{name}_{j}" for j in base.topological_order() if base.neuron(j).is_processing
                 for name in ("in", "a")]
    if kind in ("backprop", "sgd"):
        questions += [f"Δ_{j}" for j in reversed(base.topological_order())
                      if base.neuron(j).is_processing]
    if kind == "sgd":
        questions += [f"w_{i},{j}" for (i, j) in base.w]
    ex = Exercise(base, x, y, lr if kind == "sgd" else None, kind, str(loss), digits,
                  significant, bool(carry_rounded), questions, {}, seed)
    values = ex.explanation().values
    precision = Precision(digits, significant)
    ex.answers = {name: precision.round(values[name]) for name in questions}
    return ex


def load_exercise(path):
    """Read an exercise that :meth:`Exercise.save` wrote, its fields checked."""
    text = _read(path)
    source = str(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as error:
        raise NetworkError(f"{source}: not valid JSON at line {error.lineno}, column "
                           f"{error.colno}: {error.msg}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise NetworkError(f"{source}: format: expected {FORMAT!r}")
    if doc.get("kind") not in KINDS:
        raise NetworkError(f"{source}: kind: expected one of {', '.join(KINDS)}; received "
                           f"{describe(doc.get('kind'))}")
    network = Network.from_document(doc.get("network"), f"{source}: network")
    x = checks.vector(doc.get("x"), len(network.inputs), f"{source}: x")
    y = checks.vector(doc.get("y"), len(network.outputs), f"{source}: y")
    questions = doc.get("questions")
    answers = doc.get("answers", {})
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise NetworkError(f"{source}: questions: expected a list of names")
    if not isinstance(answers, dict) or not set(answers) <= set(questions):
        raise NetworkError(f"{source}: answers: expected values for the questions")
    return Exercise(network, x, y, doc.get("lr"), doc["kind"], str(doc.get("loss", "squared")),
                    checks.option("digits", doc.get("digits", 2)), doc.get("significant"),
                    checks.flag(doc.get("carry_rounded", True), "carry_rounded"), questions,
                    {k: checks.weight(v, f"{source}: answers.{k}") for k, v in answers.items()},
                    doc.get("seed", 0))


def _nonzero(rng, low, high):
    """A whole number from low to high, not 0 (a zero weight or input asks nothing)."""
    value = int(rng.integers(low, high))  # low … high − 1, then 0 stands for high
    return float(high if value == 0 else value)


def _positive(value, what):
    value = checks.weight(value, what)
    if not value > 0:
        raise NetworkError(f"{what} must be positive; received {value!r}")
    return value


def _read(path):
    try:
        return open(path, encoding="utf-8").read()
    except FileNotFoundError:
        raise NetworkError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NetworkError(f"{path}: cannot be read as UTF-8 text ({error})") from None


def _latex_name(name):
    """in_3 → in_{3}, Δ_5 → \\Delta_{5}, w_1,3 → w_{1,3}."""
    base, _, sub = name.partition("_")
    base = r"\Delta" if base == "Δ" else base
    return base + "_{" + sub + "}"
