r"""Sheets to hand out: an exercise as Markdown, LaTeX and PDF, with its key.

Every sheet says what a student needs and nothing else: the course and title, a name field,
the network (drawn in TikZ on the LaTeX sheet, its weights listed too), g for every processing
neuron and the loss, each with its formula, the example (x, y, α), and the questions numbered
in the order the key works them, each with room for working. The key is the same sheet with
the answers filled in and the worked steps after them.

:func:`exercise_pdf` puts one sheet per variant into one PDF for a class (and the keys into
another), compiled with pdflatex.
"""

import os
import shutil
import subprocess
import tempfile

from ..drawing.tikz import PREAMBLE, TikzPicture, to_tikz
from ..errors import NetworkError, describe
from ..files.atomic import writable, write_atomically
from ..markup import html_text, tex_text
from ..model.losses import LOSSES
from ..numbers import Precision
from .exercises import QUESTION, Exercise

__all__ = ["markdown_sheet", "latex_sheet", "latex_pages", "exercise_pdf", "compile_pdf",
           "activations", "formula", "ids"]

KIND_WORDS = {"forward": "forward propagation", "backprop": "backpropagation",
              "sgd": "one step of gradient descent"}
PICTURE_WIDTH, PICTURE_ROOM = 9.0, (15.0, 6.0)
"""The width of a picture file named on a LaTeX sheet, and the room (width, height) the TikZ
drawing may take, in cm: a flat network is drawn wider."""
WORKING_ROOM = (9.0, 0.3, 1.2)
"""Room for working under the questions of a LaTeX sheet (cm): shared among them, with at
least and at most so much under each, so that a sheet keeps to one page where it can."""
LATEX_TIMEOUT = 120
"""Seconds pdflatex may take for one document."""


def activations(ex):
    """[(the processing neurons, their Activation)] in order of first appearance."""
    groups = {}
    net = ex.network
    for j in net.topological_order():
        neuron = net.neuron(j)
        if neuron.is_processing:
            groups.setdefault(neuron.activation, []).append(j)
    return [(neurons, g) for g, neurons in groups.items()]


def _heading(ex):
    title = ex.title if ex.title is not None else "Exercise"
    about = f"{KIND_WORDS.get(ex.kind, ex.kind)}, variant {ex.seed}"  # (as text: escaped)
    return title, about


def _how(ex):
    p = Precision(ex.digits, ex.significant)
    how = ("carrying the rounded values on, as by hand" if ex.carry_rounded else
           "with exact intermediate values, rounding only the answers")
    return f"Compute, to {p.words()} ({how}):"


def markdown_sheet(ex, answers=False, picture=None):
    """The sheet (the key with `answers`) as Markdown; see :meth:`Exercise.to_markdown`.

    Examples
    --------
    >>> import neurograph as ng
    >>> sheet = ng.exercise(kind="forward", seed=3, title="Quiz 1").to_markdown()
    >>> print(sheet.splitlines()[0])
    # Quiz 1
    >>> [line for line in sheet.splitlines() if line.startswith("1.")]
    ['1. in_3 = ________']
    """
    p = Precision(ex.digits, ex.significant)
    net = ex.network
    title, about = _heading(ex)
    lines = [f"# {html_text(title)}", ""]
    if ex.course is not None:
        lines += [f"**{html_text(ex.course)}** · {html_text(about)}", ""]
    else:
        lines += [f"*{html_text(about.capitalize())}*", ""]
    lines += ["Name: ________________________", "",
              f"**The network.** Inputs {ids(net.inputs)}; hidden {ids(net.hidden)}; "
              f"outputs {ids(net.outputs)}; a_0 = 1 is the bias.", "",
              "| edge | weight |", "|---|---:|"]
    lines += [f"| w_{i},{j} | {p.format(w)} |" for (i, j), w in net.w.items()]
    if picture:
        lines += ["", f"![the network, with its weights]({picture})"]
    lines += ["", "**Activations.**", ""]
    lines += [f"- neuron{'s' * (len(js) > 1)} {ids(js)}: {html_text(g.name)}, "
              f"${formula(g)}$" for js, g in activations(ex)]
    if ex.kind != "forward":
        lines += ["", f"**Loss.** {html_text(ex.loss)}: $\\ell = {LOSSES[ex.loss].formula}$"]
    lines += ["", "x = (" + ", ".join(p.format(v) for v in ex.x) + ")"]
    if ex.kind != "forward":
        lines.append("y = (" + ", ".join(p.format(v) for v in ex.y) + ")")
    if ex.kind == "sgd":
        lines.append(f"α = {p.format(ex.lr)}")
    lines += ["", _how(ex), ""]
    lines += [f"{k}. {html_text(name)}{' (updated)' * name.startswith('w_')} = "
              + (p.format(ex.answer(name)) if answers else
                                               "________")
              for k, name in enumerate(ex.questions, start=1)]
    if answers:
        lines += ["", ex.explanation().to_markdown()]
    return "\n".join(lines) + "\n"


def latex_sheet(ex, answers=False, picture=None):
    r"""The sheet (the key with `answers`) as a LaTeX document; see :meth:`Exercise.to_latex`.

    Examples
    --------
    >>> import neurograph as ng
    >>> tex = ng.exercise(kind="backprop", seed=1, course="CS 457").to_latex()
    >>> r"\begin{tikzpicture}" in tex, r"\item $in_{3} = $" in tex
    (True, True)
    """
    return _document([latex_body(ex, answers, picture)])


def latex_body(ex, answers=False, picture=None):
    """One sheet (or key) as the body of a LaTeX document (:func:`_document`'s preamble)."""
    p = Precision(ex.digits, ex.significant)
    net = ex.network
    title, about = _heading(ex)
    course = tex_text(ex.course) if ex.course is not None else ""
    rows = [rf"\noindent{{\large\textbf{{{course}}}}}\hfill Name: \underline{{\hspace{{7cm}}}}",
            r"\par\medskip",
            rf"\noindent{{\LARGE\textbf{{{tex_text(title)}}}}}"
            + (r" \hfill\textbf{KEY}" if answers else ""),
            rf"\par\noindent{{\itshape {tex_text(about.capitalize())}}}", r"\par\medskip",
            r"\begin{center}"]
    if picture:
        rows.append(rf"\includegraphics[width={PICTURE_WIDTH}cm]{{{picture}}}")
    else:
        rows.append(to_tikz(net, digits=ex.digits, standalone=False, width=_width(net),
                            weights=True).rstrip("\n"))
    rows += [r"\end{center}",
             rf"\noindent\textbf{{The network.}} Inputs {ids(net.inputs)}; hidden "
             rf"{ids(net.hidden)}; outputs {ids(net.outputs)}; $a_0 = 1$ is the bias. "
             r"Weights: " + ", ".join(rf"$w_{{{i},{j}}} = {p.format(w, latex=True)}$"
                                       for (i, j), w in net.w.items()) + ".",
             r"\par\smallskip\noindent\textbf{Activations.}"]
    rows += [rf"\par\noindent\hspace*{{1em}}neuron{'s' * (len(js) > 1)} {ids(js)}: "
             rf"{tex_text(g.name)}, $\displaystyle {formula(g)}$" for js, g in activations(ex)]
    rows.append(r"\par\smallskip")
    example = r"\noindent $x = (" + ", ".join(p.format(v, latex=True) for v in ex.x) + ")$"
    if ex.kind != "forward":
        rows.append(rf"\noindent\textbf{{Loss.}} {tex_text(ex.loss)}: "
                    rf"$\displaystyle\ell = {LOSSES[ex.loss].formula}$\par\smallskip")
        example += r"\quad $y = (" + ", ".join(p.format(v, latex=True) for v in ex.y) + ")$"
    if ex.kind == "sgd":
        example += rf"\quad $\alpha = {p.format(ex.lr, latex=True)}$"
    rows += [example, r"\par\medskip", rf"\noindent {tex_text(_how(ex))}",
             rf"\begin{{multicols}}{{{3 if answers else 2}}}",
             r"\begin{enumerate}" + (r"\setlength\itemsep{0pt}" if answers else "")]
    total, least, most = WORKING_ROOM
    room = f"{max(least, min(most, total / len(ex.questions))):.2f}cm"
    for name in ex.questions:
        if answers:
            rows.append(rf"\item ${_latex_name(name)} = {p.format(ex.answer(name), True)}$")
        else:
            rows.append(rf"\item ${_latex_name(name)} = $ \underline{{\hspace{{3cm}}}}"
                        rf"\par\vspace{{{room}}}")
    rows += [r"\end{enumerate}", r"\end{multicols}"]
    if answers:
        rows += [r"\subsection*{Worked steps}", r"\begingroup\small",
                 ex.explanation().to_latex(), r"\endgroup"]
    return "\n".join(rows)


def latex_pages(exercises, answers=False):
    """One LaTeX document of every exercise's sheet (or key), each on new pages."""
    return _document([latex_body(ex, answers) for ex in exercises])


def _document(bodies):
    """A whole LaTeX document of the sheets `bodies`, each on its own page(s)."""
    return "\n".join([r"\documentclass[11pt,a4paper]{article}",
                      r"\usepackage[margin=2cm]{geometry}", r"\usepackage{amsmath}",
                      r"\usepackage{graphicx}", r"\usepackage{multicol}",
                      r"\usepackage{tikz}", *PREAMBLE,
                      r"\pagestyle{empty}", r"\setlength\parindent{0pt}",
                      r"\begin{document}", "\n\\clearpage\n".join(bodies),
                      r"\end{document}"]) + "\n"


def exercise_pdf(exercises, path, key=None):
    """One sheet per exercise in one PDF (`path`), and their keys in another (`key`).

    Compiled with pdflatex (which must be installed); both files are written whole or not at
    all, and nothing is written when a document does not compile.

    Parameters
    ----------
    exercises : sequence of Exercise
        The variants, in the order their sheets are printed.
    path : str or path-like
        The class's PDF (.pdf).
    key : str or path-like, optional
        The keys' PDF (.pdf), in the same order.

    Returns
    -------
    The path written (and the key's path, as a pair, when `key` is given).
    """
    if isinstance(exercises, Exercise) or not isinstance(exercises, (list, tuple)) \
            or not exercises or not all(isinstance(ex, Exercise) for ex in exercises):
        raise NetworkError(f"exercises must be a non-empty list of Exercise (ng.exercise); "
                           f"received {describe(exercises)}")
    path = writable(path, (".pdf",), "the class's PDF file name")
    if key is not None:
        key = writable(key, (".pdf",), "the key's PDF file name")
    sheets = compile_pdf(latex_pages(exercises, False))
    keys = None if key is None else compile_pdf(latex_pages(exercises, True))
    written = write_atomically(path, lambda handle: handle.write(sheets))
    if key is None:
        return written
    return written, write_atomically(key, lambda handle: handle.write(keys))


def compile_pdf(tex):
    """The PDF's bytes that pdflatex makes of the LaTeX document `tex` (in a folder of its
    own, removed after), or a NetworkError with the first error LaTeX reports."""
    program = shutil.which("pdflatex")
    if program is None:
        raise NetworkError("a PDF is made with pdflatex, which is not installed (TeX Live: "
                           "apt-get install texlive-latex-base texlive-pictures); save the "
                           ".tex instead")
    with tempfile.TemporaryDirectory(prefix="neurograph-") as folder:
        with open(os.path.join(folder, "sheet.tex"), "w", encoding="utf-8") as handle:
            handle.write(tex)
        try:
            result = subprocess.run([program, "-interaction=nonstopmode", "-halt-on-error",
                                     "-no-shell-escape", "sheet.tex"], cwd=folder,
                                    capture_output=True, stdin=subprocess.DEVNULL,
                                    timeout=LATEX_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise NetworkError(f"pdflatex took more than {LATEX_TIMEOUT} s; save the .tex "
                               f"instead") from None
        pdf = os.path.join(folder, "sheet.pdf")
        if result.returncode != 0 or not os.path.exists(pdf):
            log = result.stdout.decode("utf-8", "replace")
            errors = [line for line in log.splitlines() if line.startswith("!")]
            raise NetworkError(f"pdflatex could not compile the sheet: "
                               f"{errors[0] if errors else log[-200:]}")
        with open(pdf, "rb") as handle:
            return handle.read()


def _width(net):
    """The TikZ picture's width: the sheet's room, or less where the height would not fit."""
    x0, x1, y0, y1 = TikzPicture(net).shape.bounds()
    room_width, room_height = PICTURE_ROOM
    return min(room_width, room_height * (x1 - x0) / max(y1 - y0, 1e-9))


def ids(numbers):
    """Neuron ids as a sheet lists them: "3, 4", or "none"."""
    return ", ".join(map(str, numbers)) if numbers else "none"


def formula(g):
    """g's formula as LaTeX math: g(in_j) = … (a_k = … for a group, the softmax)."""
    formula = g.formula or rf"\mathrm{{{tex_text(g.name)}}}(in_j)"
    name = "a_k" if g.group else "g(in_j)"
    return f"{name} = {formula}"


def _latex_name(name):
    """in_3 → in_{3}, Δ_5 → \\Delta_{5}, w_1,3 → w_{1,3}; any other name as escaped text."""
    match = QUESTION.fullmatch(name)
    if not match:
        return rf"\mbox{{{tex_text(name)}}}"
    if match.group(3):
        return "w_{" + match.group(3) + r"}^{\mathrm{new}}"
    return (r"\Delta" if match.group(1) == "Δ" else match.group(1)) + "_{" + match.group(2) + "}"
