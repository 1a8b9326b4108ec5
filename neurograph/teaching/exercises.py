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

__all__ = ["exercise", "Exercise", "default_limit", "on_grid", "KINDS"]

KINDS = ("forward", "backprop", "sgd")
FORMAT, VERSION = "neurograph-exercise", 1
FIELDS = ("format", "version", "network", "x", "y", "lr", "kind", "loss", "digits",
          "significant", "carry_rounded", "questions", "answers", "seed", "title", "course")
"""Every field of an exercise file; no other is read."""
MAX_TRIES = 10_000
MAX_DRAWN = 2_000_000
"""Weights drawn, at most, in the search for an exercise's numbers (about a second): a network
with more than MAX_DRAWN / MAX_TRIES weights gets fewer tries."""
MAX_WEIGHTS = 10_000
"""The most weights an exercise's network may have: its key is worked by hand."""
MAX_SEED = 2 ** 64 - 1
MIN_GRID = 1e-6
MAX_TEXT = 200
"""The longest title or course name a sheet prints."""
KEY_CHECKS = 300
"""Draws within the limits whose keys are worked, at most, in the search for one in which no
a_j or Δ_j rounds to 0 (about a third of a second for a small network)."""
LIMITS = (4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5)
"""The limits on |in_j| an exercise tries, widest first (see :func:`default_limit`)."""
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
    title, course : str or None
        What the sheet's heading says (at most 200 characters each, printed as text).
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
    title: str = None
    course: str = None

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
        self.title, self.course = _text(self.title, "title"), _text(self.course, "course")
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
        ``_ . - /``) ending in .png, .pdf, .jpg or .jpeg. See :mod:`.sheets`."""
        from .sheets import markdown_sheet
        return markdown_sheet(self, checks.flag(answers, "answers"), _picture(picture))

    def to_latex(self, answers=False, picture=None):
        """The sheet (and with `answers`, the key) as a LaTeX document that compiles alone,
        the network drawn in TikZ (with `picture`, that file instead: a relative file name of
        letters, digits and ``_ . - /`` ending in .png, .pdf, .jpg or .jpeg). See
        :mod:`.sheets`."""
        from .sheets import latex_sheet
        return latex_sheet(self, checks.flag(answers, "answers"), _picture(picture))

    def to_moodle_xml(self):
        """The questions as a Moodle XML quiz; see :func:`.lms.moodle_xml`."""
        from .lms import moodle_xml
        return moodle_xml(self)

    def to_gift(self):
        """The questions in Moodle's GIFT format; see :func:`.lms.gift`."""
        from .lms import gift
        return gift(self)

    def to_html(self):
        """The self-check page; see :func:`.selfcheck.self_check_page`."""
        from .selfcheck import self_check_page
        return self_check_page(self)

    def answer(self, name):
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
                "answers": dict(self.answers) if answers else {}, "seed": self.seed,
                "title": self.title, "course": self.course}

    def save(self, path, answers=None):
        """Write the exercise, whole or not at all, as its file name's ending says.

        ``.json``: the exercise itself (a student's copy with ``answers=False``); ``.pdf``,
        ``.tex``, ``.md``: the sheet (the key with ``answers=True``; the PDF is compiled with
        pdflatex); ``.html``: the self-check page; ``.xml``: a Moodle XML quiz; ``.gift``:
        the same questions in GIFT. Returns the path.
        """
        path = writable(path, tuple(SAVED), "an exercise file's name")
        suffix = os.fsdecode(path).rsplit(".", 1)[-1].lower()
        if suffix == "json":
            data = self.to_bytes(True if answers is None else answers)
        else:
            data = SAVED["." + suffix](self, checks.flag(bool(answers), "answers"))
        return write_atomically(path, lambda handle: handle.write(data))

    def to_bytes(self, answers=True):
        """The JSON file :meth:`save` writes, as bytes."""
        return (json.dumps(self.to_document(checks.flag(answers, "answers")), indent=1)
                + "\n").encode("utf-8")


def exercise(sizes=(2, 2, 1), kind="sgd", seed=0, loss="squared", activation="logistic",
             lr=0.5, digits=2, significant=None, carry_rounded=True, network=None, grid=0.5,
             limit=None, keep_weights=False, x=None, y=None, title=None, course=None):
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
        drawn afresh (unless `keep_weights`).
    grid : float, default 0.5
        Weights and inputs are multiples of it (from 10⁻⁶ to 2).
    limit : float, optional
        Every |in_j| stays within it. By default :func:`default_limit`: the widest of 4, 3.5,
        … 0.5 at which g′ of every activation of the network is still at least 10^−digits
        (logistic: 4, tanh: 2.5 to 2 decimal places), so that no g′ rounds to 0.
    keep_weights : bool, default False
        Keep `network`'s weights (a teacher's own numbers); only what is not given is drawn.
    x, y : sequence of float, optional
        The example to use (drawn on the grid when not given; y: targets that make the error
        visible).
    title, course : str, optional
        What the sheet's heading says.

    Among the draws within the limit, the first whose key has no a_j and no Δ_j that rounds
    to 0 (or is smaller than 10^−digits) is taken, of the first 300 such draws; if none has,
    the first of them (a threshold unit's Δ_j is always 0).

    Raises
    ------
    NetworkError
        For a bad argument, a network of more than 10,000 weights, or when no draw keeps
        every |in_j| within `limit`: after 10,000 draws, or fewer for a network of more than
        200 weights (about a second of drawing in all; a neuron with many inputs rarely keeps
        its sum small). With both the weights and x given nothing is drawn, and the limit is
        not applied.

    Examples
    --------
    >>> import neurograph as ng
    >>> ex = ng.exercise(sizes=(2, 2, 1), kind="sgd", seed=7)
    >>> ex.questions[:3], len(ex.answers) == len(ex.questions)
    (['in_3', 'a_3', 'in_4'], True)
    >>> own = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0})
    >>> ng.exercise(network=own, keep_weights=True, x=[2], y=[1], kind="backprop").answers
    {'in_2': -1.5, 'a_2': 0.18, 'Δ_2': -0.25}
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise NetworkError(f"unknown exercise kind {describe(kind)}; expected one of: "
                           f"{', '.join(map(repr, KINDS))}")
    seed = _seed(seed)
    grid = _positive(grid, "grid")
    if not MIN_GRID <= grid <= 2:
        raise NetworkError(f"grid must be from {MIN_GRID:g} to 2 (the weights are drawn from "
                           f"±[grid, 2]); received {grid!r}")
    lr = checks.option("lr", lr)
    digits = checks.option("digits", digits)
    if significant is not None:
        significant = checks.option("significant", significant)
    loss = _loss_name(loss)
    carry_rounded = checks.flag(carry_rounded, "carry_rounded")
    keep_weights = checks.flag(keep_weights, "keep_weights")
    title, course = _text(title, "title"), _text(course, "course")
    if network is not None and not isinstance(network, Network):
        raise NetworkError(f"network must be a Network; received {describe(network)}")
    if keep_weights and network is None:
        raise NetworkError("keep_weights=True keeps a network's weights: pass network=")
    _hand_sized(sizes if network is None else network)
    base = (network.copy() if network is not None else
            Network.layered(sizes, activation=activation, seed=0))
    if x is not None:
        x = checks.vector(x, len(base.inputs), "x")
    if y is not None:
        y = checks.vector(y, len(base.outputs), "y")
    limit = default_limit(base, digits) if limit is None else _positive(limit, "limit")
    questions = [f"{name}_{j}" for j in base.topological_order() if base.neuron(j).is_processing
                 for name in ("in", "a")]
    if kind in ("backprop", "sgd"):
        questions += [f"Δ_{j}" for j in base.topological_order() if base.neuron(j).is_processing]
    if kind == "sgd":
        questions += [f"w_{i},{j}" for (i, j) in base.w]

    def made(x):
        """The exercise of the weights now on `base` and the input `x`."""
        base.forward(x)
        outputs = [base.neuron(k) for k in base.outputs]
        target = y
        if target is None and outputs[0].activation.group:  # softmax: the least likely class
            least = min(range(len(outputs)), key=lambda k: outputs[k].a)
            target = [1.0 if k == least else 0.0 for k in range(len(outputs))]
        elif target is None:
            target = [0.0 if neuron.a >= 0.5 else 1.0 for neuron in outputs]  # a visible error
        base.clear_values()
        ex = Exercise(base.copy(), x, target, lr if kind == "sgd" else None, kind, loss,
                      digits, significant, carry_rounded, questions, {}, seed, title, course)
        values = ex.explanation()
        order = {step.name: k for k, step in enumerate(values.steps)}
        ex.questions = sorted(questions, key=order.__getitem__)  # the key's order
        precision = Precision(digits, significant)
        ex.answers = {name: precision.round(values.values[name]) for name in ex.questions}
        return ex

    if keep_weights and x is not None:
        return made(x)
    return _draw(base, np.random.default_rng(seed), grid, limit, made, keep_weights, x)


def default_limit(net, digits=2):
    """The widest limit on |in_j| of :data:`LIMITS` at which g′ of every activation of `net`
    is at least 10^−`digits` on one side (so a by-hand g′ does not round to 0); the widest
    for activations whose g′ is never that large (the threshold's).

    >>> import neurograph as ng
    >>> default_limit(ng.Network.layered([2, 2, 1])), default_limit(
    ...     ng.Network.layered([2, 2, 1], activation="tanh"))
    (4.0, 2.5)
    """
    floor = 10.0 ** -digits
    found = LIMITS[0]
    for g in {net.neuron(j).activation for j in net.hidden + net.outputs}:
        if g.group:
            continue
        slopes = [max(abs(g.dg(v)), abs(g.dg(-v))) for v in LIMITS]
        fitting = [v for v, slope in zip(LIMITS, slopes) if slope >= floor]
        if fitting:
            found = min(found, fitting[0])
    return found


def on_grid(weights, grid):
    """{edge: w rounded to the nearest multiple of `grid`, never 0} (0 becomes ±grid, with
    w's sign): weights for slides and sheets.

    >>> on_grid({(0, 3): 0.26, (1, 3): -0.1, (2, 3): 0.0}, 0.5)
    {(0, 3): 0.5, (1, 3): -0.5, (2, 3): 0.5}
    """
    grid = _positive(grid, "grid")
    if not MIN_GRID <= grid <= 2:
        raise NetworkError(f"grid must be from {MIN_GRID:g} to 2; received {grid!r}")
    out = {}
    for edge, w in dict(weights).items():
        steps = round(w / grid)
        out[edge] = (steps if steps else (1 if w >= 0 else -1)) * grid
    return out


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


def _draw(base, rng, grid, limit, made, keep_weights, x):
    """Draw `base`'s weights and an input x on the grid until every |in_j| ≤ `limit`, and
    the first such draw whose key has no a_j or Δ_j rounding to 0: ``made(x)``, an Exercise.

    The draws are those of one ``rng.integers`` call per weight, then per input (numpy gives
    the same numbers drawn together), so a seed keeps its exercise; what is given (the
    weights with `keep_weights`, or `x`) is not drawn. A draw whose first sums (of the
    neurons fed by inputs and the bias alone) are plainly too large is refused before the
    network is touched; every other draw is decided by a forward pass."""
    steps = max(int(round(2.0 / grid)), 1)  # weights in ±[grid, 2], inputs in [−1, 2]: not 0
    low = -max(steps // 2, 1)
    edges, processing = list(base.w), base.hidden + base.outputs
    first = None if keep_weights or x is not None else _first_sums(base, edges)
    tries = max(1, min(MAX_TRIES, MAX_DRAWN // max(len(edges), 1)))
    fallback, checked = None, 0
    for _ in range(tries):
        if not keep_weights:
            weights = rng.integers(-steps, steps, size=len(edges))
            weights[weights == 0] = steps  # 0 stands for the top: a zero asks nothing
            weights = weights * grid
        if x is None:
            inputs = rng.integers(low, steps, size=len(base.inputs))
            inputs[inputs == 0] = steps
            inputs = inputs * grid
        else:
            inputs = np.array(x)
        if first is not None:
            at, source, target, count = first
            sums = np.bincount(target, weights[at] * np.append(1.0, inputs)[source], count)
            if (np.abs(sums) > limit * (1 + 1e-9) + 1e-300).any():
                continue  # (the margin leaves a sum at the limit to the forward pass)
        if not keep_weights:
            base.set_weights(dict(zip(edges, weights.tolist())))
        drawn = inputs.tolist()
        base.forward(drawn)
        sums = [base.neuron(j).in_ for j in processing]
        if not all(abs(s) <= limit for s in sums) or all(s == 0 for s in sums):
            continue
        ex = made(drawn)
        if not _trivial(ex):
            return ex
        fallback = fallback or ex
        checked += 1
        if checked >= KEY_CHECKS:
            break
    if fallback is not None:
        return fallback
    if keep_weights:
        raise NetworkError(f"no input x on a grid of {grid:g} keeps every |in_j| ≤ {limit:g} "
                           f"with these weights (in {tries:,} draws); widen limit, or give x")
    raise NetworkError(f"no weights on a grid of {grid:g} keep every |in_j| ≤ {limit:g} for "
                       f"this network (in {tries:,} draws); widen limit, make grid finer, or "
                       f"give each neuron fewer inputs")


def _trivial(ex):
    """Whether some a_j or Δ_j of the key rounds to 0 or is too small to show with `digits`
    decimal places (a question with nothing to compute)."""
    smallest = 10.0 ** -ex.digits if ex.significant is None else 1e-300
    return any(abs(value) < smallest for name, value in ex.answers.items()
               if name.startswith(("a_", "Δ_")))


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


def _text(text, what):
    """A title or course name: None, or text of at most MAX_TEXT characters."""
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise NetworkError(f"{what} must be text of at most {MAX_TEXT} characters; received "
                           f"{describe(text)}")
    return text


def _sheet_pdf(ex, answers):
    from .sheets import compile_pdf
    return compile_pdf(ex.to_latex(answers))


SAVED = {".json": None, ".pdf": _sheet_pdf,
         ".tex": lambda ex, answers: ex.to_latex(answers).encode("utf-8"),
         ".md": lambda ex, answers: ex.to_markdown(answers).encode("utf-8"),
         ".html": lambda ex, answers: ex.to_html().encode("utf-8"),
         ".xml": lambda ex, answers: ex.to_moodle_xml().encode("utf-8"),
         ".gift": lambda ex, answers: ex.to_gift().encode("utf-8")}
"""What :meth:`Exercise.save` writes for each ending (JSON apart): bytes from the exercise
and whether the key is wanted."""


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
