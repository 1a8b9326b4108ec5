"""Exercises with nice numbers, and their answer keys: the teacher's kit.

:func:`exercise` draws a network's weights and an example on a coarse grid (multiples of 0.5
by default) from a seed, redrawing until every |in_j| is within `limit` (g not saturated), and
picks targets that make the error visible. The questions are the values a student computes
for the kind asked — "forward": in_j and a_j; "backprop": also each Δ_j; "sgd": also every
updated weight — and the key is :func:`~.explain.explain`'s worked steps, rounded as printed
(carrying the rounded values, as by hand, unless ``carry_rounded=False``). The same seed gives
the same exercise, byte for byte, on any machine: only integers and exact grid values are
drawn, and the arithmetic is the reference engine's.

An exercise is a file that students and colleagues pass around: every field of an
:class:`Exercise` is checked (types and ranges) whether it is made, loaded or built by hand,
and everything a sheet writes is escaped, so that a file can carry numbers and names, never
LaTeX, Markdown or HTML that does something.
"""

import json
import numbers
import os
import re
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..files import reading
from ..files.atomic import writable, write_atomically
from ..markup import html_text, terminal_text, tex_text
from ..model.losses import ALIASES as LOSS_ALIASES
from ..model.losses import LOSSES, Loss
from ..model.network import Network
from ..numbers import Precision

__all__ = ["exercise", "Exercise", "load_exercise", "KINDS"]

KINDS = ("forward", "backprop", "sgd")
FORMAT, VERSION = "neurograph-exercise", 1
FIELDS = ("format", "version", "network", "x", "y", "lr", "kind", "loss", "digits",
          "significant", "carry_rounded", "questions", "answers", "seed")
"""Every field of an exercise file; no other is read."""
MAX_TRIES = 10_000
MAX_DRAWN = 2_000_000
"""Weights drawn, at most, in the search for an exercise's numbers (about a second): a network
with more than MAX_DRAWN / MAX_TRIES weights gets fewer tries."""
MAX_WEIGHTS = 10_000
"""The most weights an exercise's network may have: its key is worked by hand."""
MAX_SEED = 2 ** 64 - 1
MIN_GRID = 1e-6
MAX_FILE = 64 << 20
"""The largest exercise file read (64 MiB)."""
QUESTION = re.compile(r"(in|a|Δ)_(\d+)|w_(\d+,\d+)")
"""What an exercise asks: in_j, a_j, Δ_j, or an updated weight w_i,j."""
PICTURE = re.compile(r"(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_./-]*\.(png|pdf|jpg|jpeg)",
                     re.IGNORECASE)
"""A picture a sheet may name: a relative file name of letters, digits, _ . - and /."""


@dataclass
class Exercise:
    """One exercise: the network, the example, what to compute, and the key.

    Every field is checked when an Exercise is made (a `NetworkError` says which field
    is wrong and what it holds); ``x``, ``y`` and the numbers become floats.

    Attributes
    ----------
    network : Network
    x, y : list of float
    lr : float or None
        α, for "sgd".
    kind : {"forward", "backprop", "sgd"}
    loss : str
        The name of a loss of ``ng.LOSSES``.
    digits : int
        Decimal places of the key (unless `significant`).
    significant : int or None
    carry_rounded : bool
        Whether the key carries rounded values, as by hand (the sheet says which).
    questions : list of str
        The names of the values asked for, as :func:`check_answers` reads them: in_j, a_j,
        Δ_j (backprop and sgd) and updated weights w_i,j (sgd), each once.
    answers : dict
        ``{name: value}`` rounded as the key prints them: one per question, or none (a
        student's copy).
    seed : int
        From 0 to 2⁶⁴ − 1.
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

    def __post_init__(self):
        if not isinstance(self.network, Network):
            raise NetworkError(f"network must be a Network; received {describe(self.network)}")
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise NetworkError(f"kind must be one of {', '.join(KINDS)}; received "
                               f"{describe(self.kind)}")
        self.x = checks.vector(self.x, len(self.network.inputs), "x")
        self.y = checks.vector(self.y, len(self.network.outputs), "y")
        if self.lr is not None or self.kind == "sgd":
            self.lr = checks.option("lr", self.lr)
        self.loss = _loss_name(self.loss)
        self.digits = checks.option("digits", self.digits)
        if self.significant is not None:
            self.significant = checks.option("significant", self.significant)
        self.carry_rounded = checks.flag(self.carry_rounded, "carry_rounded")
        self.seed = _seed(self.seed)
        _hand_sized(self.network)
        self.questions = _questions(self.questions, self.explanation().values)
        self.answers = _answers(self.answers, self.questions)

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

    def picture(self):
        """The PNG file's bytes that :meth:`plot` writes with its default title."""
        from ..drawing.network import network_png
        return network_png(self.network, weights=True, title=f"Exercise {self.seed}")

    def to_markdown(self, answers=False, picture=None):
        """The sheet (and with `answers`, the key) as Markdown; `picture` names the drawing
        of the network (:meth:`plot`) to show: a relative file name (letters, digits,
        ``_ . - /``) ending in .png, .pdf, .jpg or .jpeg."""
        answers = checks.flag(answers, "answers")
        picture = _picture(picture)
        p = self._precision()
        lines = [f"## Exercise ({html_text(self.kind)}, seed {html_text(self.seed)})", "",
                 f"Network: inputs {self.network.inputs}, hidden {self.network.hidden}, "
                 f"outputs {self.network.outputs}; g = "
                 f"{html_text(self.network.neuron(self.network.outputs[0]).activation.name)}; "
                 f"{html_text(self.loss)} loss.", "", "| edge | weight |", "|---|---:|"]
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
        lines += [f"- {html_text(name)} = " + (p.format(self._answer(name)) if answers else
                                                "____") for name in self.questions]
        if answers:
            lines += ["", self.explanation().to_markdown()]
        return "\n".join(lines) + "\n"

    def to_latex(self, answers=False, picture=None):
        """The sheet (and with `answers`, the key) as a LaTeX document that compiles alone
        (with `picture`, the network's drawing beside it: a relative file name of letters,
        digits and ``_ . - /`` ending in .png, .pdf, .jpg or .jpeg)."""
        answers = checks.flag(answers, "answers")
        picture = _picture(picture)
        p = self._precision()
        weights = " \\\\\n".join(f"$w_{{{i},{j}}}$ & ${p.format(w, latex=True)}$"
                                 for (i, j), w in self.network.w.items())
        rows = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\usepackage{graphicx}",
                r"\begin{document}",
                rf"\section*{{Exercise ({tex_text(self.kind)}, seed {tex_text(self.seed)})}}",
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
            value = p.format(self._answer(name), latex=True) if answers else blank
            rows.append(rf"\item ${_latex_name(name)} = {value}$")
        rows.append(r"\end{itemize}")
        if answers:
            rows += [r"\subsection*{Worked steps}", self.explanation().to_latex()]
        rows.append(r"\end{document}")
        return "\n".join(rows) + "\n"

    def _answer(self, name):
        """The key's answer for `name` (a student's copy has none: no key can be printed)."""
        if name not in self.answers:
            raise NetworkError(f"this is a student's copy: it has no answer for "
                               f"{terminal_text(name)}; print it with answers=False")
        return self.answers[name]

    def to_document(self, answers=True):
        """The exercise as plain data (a student's copy without answers)."""
        return {"format": FORMAT, "version": VERSION, "network": self.network.to_document(),
                "x": self.x, "y": self.y, "lr": self.lr, "kind": self.kind,
                "loss": self.loss, "digits": self.digits, "significant": self.significant,
                "carry_rounded": self.carry_rounded, "questions": self.questions,
                "answers": dict(self.answers) if answers else {}, "seed": self.seed}

    def save(self, path, answers=True):
        """Write the exercise as JSON (a student's copy with ``answers=False``), whole or not
        at all."""
        path = writable(path, (".json",), "an exercise file's name")
        return write_atomically(path, lambda handle: handle.write(self.to_bytes(answers)))

    def to_bytes(self, answers=True):
        """The JSON file :meth:`save` writes, as bytes."""
        return (json.dumps(self.to_document(checks.flag(answers, "answers")), indent=1)
                + "\n").encode("utf-8")


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
        The same seed, the same exercise; different seeds, different exercises (0 to
        2⁶⁴ − 1).
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
        Weights and inputs are multiples of it (from 10⁻⁶ to 2).
    limit : float, default 4
        Every |in_j| stays within it.

    Raises
    ------
    NetworkError
        For a bad argument, a network of more than 10,000 weights, or when no draw keeps
        every |in_j| within `limit`: after 10,000 draws, or fewer for a network of more than
        200 weights (about a second of drawing in all; a neuron with many inputs rarely keeps
        its sum small).

    Examples
    --------
    >>> import neurograph as ng
    >>> ex = ng.exercise(sizes=(2, 2, 1), kind="sgd", seed=7)
    >>> ex.questions[:3], len(ex.answers) == len(ex.questions)
    (['in_3', 'a_3', 'in_4'], True)
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise NetworkError(f"unknown exercise kind {describe(kind)}; expected one of: "
                           f"{', '.join(map(repr, KINDS))}")
    seed = _seed(seed)
    grid, limit = _positive(grid, "grid"), _positive(limit, "limit")
    if not MIN_GRID <= grid <= 2:
        raise NetworkError(f"grid must be from {MIN_GRID:g} to 2 (the weights are drawn from "
                           f"±[grid, 2]); received {grid!r}")
    lr = checks.option("lr", lr)
    digits = checks.option("digits", digits)
    if significant is not None:
        significant = checks.option("significant", significant)
    loss = _loss_name(loss)
    carry_rounded = checks.flag(carry_rounded, "carry_rounded")
    if network is not None and not isinstance(network, Network):
        raise NetworkError(f"network must be a Network; received {describe(network)}")
    _hand_sized(sizes if network is None else network)
    base = (network.copy() if network is not None else
            Network.layered(sizes, activation=activation, seed=0))
    x = _draw(base, np.random.default_rng(seed), grid, limit)
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
    ex = Exercise(base, x, y, lr if kind == "sgd" else None, kind, loss, digits,
                  significant, carry_rounded, questions, {}, seed)
    values = ex.explanation().values
    precision = Precision(digits, significant)
    ex.answers = {name: precision.round(values[name]) for name in questions}
    return ex


def _hand_sized(shape):
    """Refuse a network of more than MAX_WEIGHTS weights (given, or as layer sizes), before
    it is built; sizes that are not whole numbers are left to ``Network.layered``."""
    if isinstance(shape, Network):
        count = len(shape.w)
    else:
        try:
            sizes = [int(n) for n in shape if isinstance(n, numbers.Integral) and n >= 0]
        except TypeError:
            return
        if len(sizes) != len(shape):
            return
        count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if count > MAX_WEIGHTS:
        raise NetworkError(f"an exercise is worked by hand: its network may have at most "
                           f"{MAX_WEIGHTS:,} weights; this one has {count:,}")


def _draw(base, rng, grid, limit):
    """Draw `base`'s weights and an input x on the grid until every |in_j| ≤ `limit`; x.

    The draws are those of one ``rng.integers`` call per weight, then per input (numpy gives
    the same numbers drawn together), so a seed keeps its exercise. A draw whose first sums
    (of the neurons fed by inputs and the bias alone) are plainly too large is refused
    before the network is touched; every other draw is decided by a forward pass."""
    steps = max(int(round(2.0 / grid)), 1)  # weights in ±[grid, 2], inputs in [−1, 2]: not 0
    low = -max(steps // 2, 1)
    edges, processing = list(base.w), base.hidden + base.outputs
    first = _first_sums(base, edges)
    tries = max(1, min(MAX_TRIES, MAX_DRAWN // max(len(edges), 1)))
    for _ in range(tries):
        weights = rng.integers(-steps, steps, size=len(edges))
        inputs = rng.integers(low, steps, size=len(base.inputs))
        weights[weights == 0] = steps  # 0 stands for the top of the range: a zero asks nothing
        inputs[inputs == 0] = steps
        weights, inputs = weights * grid, inputs * grid
        if first is not None:
            at, source, target, count = first
            sums = np.bincount(target, weights[at] * np.append(1.0, inputs)[source], count)
            if (np.abs(sums) > limit * (1 + 1e-9) + 1e-300).any():
                continue  # (the margin leaves a sum at the limit to the forward pass)
        base.set_weights(dict(zip(edges, weights.tolist())))
        x = inputs.tolist()
        base.forward(x)
        sums = [base.neuron(j).in_ for j in processing]
        if all(abs(s) <= limit for s in sums) and not all(s == 0 for s in sums):
            return x
    raise NetworkError(f"no weights on a grid of {grid:g} keep every |in_j| ≤ {limit:g} for "
                       f"this network (in {tries:,} draws); widen limit, make grid finer, or "
                       f"give each neuron fewer inputs")


def _first_sums(base, edges):
    """How to add up in_j = Σ_i w_ij a_i of the neurons fed only by the bias and the inputs
    (plain sums, no batch norm, no tied weight) from a draw: (the edges' places in `edges`,
    their sources (0: the bias, k: input k), their targets, how many), or None if none."""
    column = {i: k + 1 for k, i in enumerate(base.inputs)}
    column[0] = 0  # the bias neuron: a_0 = 1
    tied = {edge for group in base.ties for edge in group}
    fed = {}
    for at, (i, j) in enumerate(edges):
        fed.setdefault(j, []).append((at, column.get(i) if (i, j) not in tied else None))
    chosen = [j for j, terms in fed.items() if all(c is not None for _, c in terms)
              and base.neuron(j).aggregation.is_sum and base.neuron(j).norm is None]
    if not chosen:
        return None
    terms = [(at, c, n) for n, j in enumerate(chosen) for at, c in fed[j]]
    at, source, target = (np.array(v, dtype=np.intp) for v in zip(*terms))
    return at, source, target, len(chosen)


def load_exercise(path):
    """Read an exercise that :meth:`Exercise.save` wrote, every field checked.

    Raises
    ------
    NetworkError
        Naming the file and the field that is not what an exercise holds: the file is JSON
        with exactly the fields :meth:`Exercise.to_document` writes (a UTF-8 byte-order
        mark is skipped), each checked as :class:`Exercise` checks it.
    """
    source = terminal_text(os.fsdecode(path) if isinstance(path, (str, os.PathLike))
                           else path, 80)
    doc = _parse(_read(path, source), source)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise NetworkError(f"{source}: format: expected {FORMAT!r}; received "
                           f"{describe(doc.get('format') if isinstance(doc, dict) else doc)}")
    unknown = [key for key in doc if key not in FIELDS]
    if unknown:
        raise NetworkError(f"{source}: {describe(unknown[0])} is not a field of an exercise; "
                           f"expected only {', '.join(FIELDS)}")
    version = doc.get("version", VERSION)
    if type(version) is not int or version != VERSION:
        raise NetworkError(f"{source}: version: expected {VERSION}; received "
                           f"{describe(version)}")
    if doc.get("kind") not in KINDS:  # (first: a useful message for a file of another kind)
        raise NetworkError(f"{source}: kind: expected one of {', '.join(KINDS)}; received "
                           f"{describe(doc.get('kind'))}")
    network = Network.from_document(doc.get("network"), f"{source}: network")
    try:
        return Exercise(network, doc.get("x"), doc.get("y"), doc.get("lr"), doc["kind"],
                        doc.get("loss", "squared"), doc.get("digits", 2),
                        doc.get("significant"), doc.get("carry_rounded", True),
                        doc.get("questions"), doc.get("answers", {}), doc.get("seed", 0))
    except NetworkError as error:
        raise NetworkError(f"{source}: {error}") from None


def _seed(seed):
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) \
            or not 0 <= seed <= MAX_SEED:
        raise NetworkError(f"seed must be a whole number ≥ 0 and < 2^64 (it names the "
                           f"exercise); received {describe(seed)}")
    return int(seed)


def _loss_name(loss):
    """The name of a loss of LOSSES (what a file can name), given it or its Loss."""
    found = checks.named(loss, Loss, LOSSES, LOSS_ALIASES, "loss")
    if LOSSES.get(found.name) is not found:
        raise NetworkError(f"loss must be one of {', '.join(LOSSES)} (an exercise file names "
                           f"it); received {describe(loss)}")
    return found.name


def _questions(questions, values):
    """`questions` checked: a non-empty list of distinct names, each a value the key has."""
    if not isinstance(questions, (list, tuple)) or not questions:
        raise NetworkError(f"questions must be a non-empty list of values' names (in_3, a_3, "
                           f"Δ_3, w_1,3); received {describe(questions)}")
    for name in questions:
        if not isinstance(name, str) or not QUESTION.fullmatch(name) or name not in values:
            raise NetworkError(f"questions: expected names of this exercise's values (in_j and "
                               f"a_j; Δ_j for backprop and sgd; w_i,j for sgd); received "
                               f"{describe(name)}")
    if len(set(questions)) < len(questions):
        twice = next(name for k, name in enumerate(questions) if name in questions[:k])
        raise NetworkError(f"questions: each value is asked once; {twice!r} is asked twice")
    return list(questions)


def _answers(answers, questions):
    """`answers` checked: none, or a finite number for each question; in the questions' order."""
    if not isinstance(answers, dict) or (answers and set(answers) != set(questions)):
        raise NetworkError(f"answers: expected a value for each question, or none (a "
                           f"student's copy); received {describe(answers)}")
    return {name: checks.weight(answers[name], f"answers.{name}")
            for name in questions if name in answers}


def _positive(value, what):
    value = checks.real(value, what)
    if not value > 0:
        raise NetworkError(f"{what} must be positive; received {value!r}")
    return value


def _read(path, source):
    """An exercise file's text (UTF-8, its byte-order mark skipped), or a NetworkError."""
    if not isinstance(path, (str, os.PathLike)):
        raise NetworkError(f"an exercise file must be given by its path; received "
                           f"{describe(path)}")
    data = reading.read_bytes(path, "an exercise file (JSON)")
    if len(data) > MAX_FILE:
        raise NetworkError(f"{source}: more than {MAX_FILE:,} bytes; expected an exercise")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NetworkError(f"{source}: byte {error.start} is not UTF-8; expected an exercise "
                           f"file (JSON)") from None
    if not text.strip():
        raise NetworkError(f"{source}: the file is empty; expected an exercise (JSON)")
    return text


def _parse(text, source):
    """The JSON `text` as data: NaN, Infinity, nesting past Python's limit and integers of
    more than 4,300 digits refused in one line."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise NetworkError(f"{source}: not valid JSON at line {error.lineno}, column "
                           f"{error.colno}: {error.msg}") from None
    except RecursionError:
        raise NetworkError(f"{source}: nested too deeply to be an exercise file") from None
    except ValueError as error:  # NaN, Infinity, an integer of thousands of digits
        raise NetworkError(f"{source}: {str(error).split(';')[0]}; expected an exercise's "
                           f"numbers") from None


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number an exercise can hold")


def _picture(picture):
    """`picture` as a sheet may name it, or None; anything else is refused."""
    if picture is None:
        return None
    text = os.fsdecode(picture) if isinstance(picture, (str, os.PathLike)) else None
    if text is None or not PICTURE.fullmatch(text):
        raise NetworkError(f"picture must be a relative file name of letters, digits and "
                           f"_ . - / ending in .png, .pdf, .jpg or .jpeg; received "
                           f"{describe(picture)}")
    return text


def _latex_name(name):
    """in_3 → in_{3}, Δ_5 → \\Delta_{5}, w_1,3 → w_{1,3}; any other name as escaped text."""
    match = QUESTION.fullmatch(name)
    if not match:
        return rf"\mbox{{{tex_text(name)}}}"
    if match.group(3):
        return "w_{" + match.group(3) + "}"
    return (r"\Delta" if match.group(1) == "Δ" else match.group(1)) + "_{" + match.group(2) + "}"
