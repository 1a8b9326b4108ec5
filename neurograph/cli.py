"""The ``neurograph`` command: lecture examples, new networks, explanations, pictures, training.

Every error is one line on stderr naming the problem: exit status 1, or 2 for a
command line that does not parse. No traceback (set NEUROGRAPH_DEBUG=1 to see one), and
a long value (a file name, a 5,000-digit number) is quoted by an excerpt. Numbers are
written in ASCII digits (``-1.5e-3``; not ``³``, ``٣`` or ``1_000``), as in the files.
Every file a command will write is checked before any work is done, and no command
leaves a file half-written. Negative numbers (``--x -1e-3 -inf``) are values, not options.
"""

import argparse
import math
import os
import re
import sys

from .model.activations import ACTIVATIONS, ALIASES
from .model.losses import LOSSES
from .training.optimizers import OPTIMIZERS

__all__ = ["main", "parser"]

ACTIVATION_NAMES = tuple(choice for name, g in ACTIVATIONS.items() if not g.group
                         for choice in (name, *(a for a, to in ALIASES.items() if to == name)))
"""What --activation takes: the built-in activations computed neuron by neuron, each followed
by its other names."""
GROUP_NAMES = tuple(name for name, g in ACTIVATIONS.items() if g.group)
"""What --output-activation takes as well: the group activations (softmax)."""
LOSS_NAMES = tuple(LOSSES)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors on one short line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {_line(message)} (see '{self.prog} --help')\n")


def _line(message):
    """`message` as one short line: line breaks and other control characters escaped, and
    each word longer than a path in a message (a 5,000-digit number, a name argparse quotes
    whole) shortened as the files layer shortens a path (:func:`~neurograph.files.paths.shown`)."""
    from .files.paths import SHOWN, shown
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(message))
    return re.sub(rf"\S{{{SHOWN + 1},}}", lambda word: shown(word.group()), text)


def _real(text):
    """argparse's type for a real number: ASCII digits (:func:`~neurograph.checks.parse_real`)."""
    from .checks import parse_real
    from .errors import NetworkError
    try:
        return parse_real(text, "the value")
    except NetworkError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _whole(text):
    """argparse's type for a whole number: ASCII digits
    (:func:`~neurograph.checks.parse_whole`)."""
    from .checks import parse_whole
    from .errors import NetworkError
    try:
        return parse_whole(text, "the value")
    except NetworkError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _batch_size(text):
    """--batch-size: a whole number, or 'full' (None: the full batch)."""
    if text.strip() == "full":
        return None
    try:
        return _whole(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'full'; received "
                                         f"{text.strip()!r}") from None


def parser():
    """The command line's argparse parser (every option with its help text)."""
    from . import __version__
    from .teaching.lectures import EXAMPLES, LECTURES

    top = _Parser(prog="neurograph", description="Neural networks one neuron at a time, "
                     "as lecture notes write them.")
    top.add_argument("--version", action="version", version=f"neurograph {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    example = commands.add_parser("example", help="list or run the lecture examples",
                                  description="Without a name, list the examples; with one, "
                                  "run it: print its steps and write a picture.")
    example.add_argument("name", nargs="?", choices=sorted(EXAMPLES), metavar="NAME",
                         help=f"one of: {', '.join(EXAMPLES)}")
    example.add_argument("--out", default=".", help="folder for the picture (default: here)")

    new = commands.add_parser("new", help="write a new layered network to a file",
                              description="A fully connected layered network numbered as the "
                              "lectures number it; 'skip' also joins every layer to every "
                              "later one.")
    new.add_argument("shape", choices=("layered", "skip", "elman", "jordan"),
                     help="layered: each layer joined to the next; skip: to every later one; "
                          "elman, jordan: layered with delay-1 edges hidden → hidden (Elman) "
                          "or output → first hidden layer (Jordan)")
    new.add_argument("sizes", nargs="+", type=_whole, metavar="SIZE",
                     help="neurons per layer, inputs first, e.g. 2 2 1")
    new.add_argument("-o", "--output", required=True, help="the file (.json or .txt)")
    new.add_argument("--seed", type=_whole, default=0,
                     help="where the initial weights come from (default 0)")
    new.add_argument("--activation", default="logistic", choices=ACTIVATION_NAMES,
                     help="g of every processing neuron (default logistic)")
    new.add_argument("--output-activation", choices=(*ACTIVATION_NAMES, *GROUP_NAMES),
                     help="g of the output neurons (default: --activation)")
    new.add_argument("--init", default="uniform", choices=("uniform", "normal", "glorot"),
                     help="how the initial weights are drawn (default uniform on [-ε, ε])")
    new.add_argument("--epsilon", type=_real, default=0.5,
                     help="ε for --init uniform and normal (default 0.5)")
    new.add_argument("--grid", type=_real, metavar="STEP",
                     help="round every weight to a multiple of STEP, never 0 (e.g. 0.5: "
                          "numbers for slides and sheets)")

    explain = commands.add_parser("explain", help="print the hand-worked steps for one example")
    explain.add_argument("network", metavar="NET", help="a network file (.json or .txt)")
    _example_arguments(explain, required_x=True)
    explain.add_argument("--lr", type=_real, help="α: also show the weight updates")
    explain.add_argument("--digits", type=_whole, default=4, help="decimal places (default 4)")
    explain.add_argument("--significant", type=_whole,
                         help="significant figures instead of decimal places, e.g. 3")
    explain.add_argument("--carry-rounded", action="store_true",
                         help="carry each rounded value into the next step, as by hand")
    explain.add_argument("--format", default="text",
                         choices=("text", "markdown", "latex", "beamer", "html"),
                         help="plain text (default), Markdown with math, LaTeX lines, Beamer "
                              "slides stepping through the picture, or an interactive page")
    explain.add_argument("-o", "--output",
                         help="write to this file instead of printing (.html for html, .tex "
                              "for beamer; needed for html)")
    explain.add_argument("--aspect", default="4:3", choices=("4:3", "16:9"),
                         help="the Beamer frames' shape (default 4:3)")

    draw = commands.add_parser("draw", help="draw a network to PNG, SVG, PDF or TikZ")
    draw.add_argument("network", metavar="NET", help="a network file (.json or .txt)")
    draw.add_argument("-o", "--output", required=True,
                      help="the picture (.png, .svg, .pdf), or .tex for TikZ")
    draw.add_argument("--values", choices=("a", "in", "delta"),
                      help="write a_j, in_j or Δ_j under each neuron (needs --x; delta --y)")
    _example_arguments(draw, required_x=False)
    draw.add_argument("--bias", choices=("label", "node", "hide"),
                      help="write w_0j above neuron j (label, the default), draw neuron 0 "
                           "(node) or hide it")
    draw.add_argument("--title", help="a title (matplotlib's $…$ mathtext allowed)")

    train = commands.add_parser("train", help="train a network on a CSV file of examples",
                                description="Each CSV row: the inputs x_1 … x_p, then the "
                                "targets y_1 … y_K. A header row and # comments are allowed.")
    train.add_argument("network", metavar="NET", help="a network file (.json or .txt)")
    train.add_argument("data", metavar="DATA.csv",
                       help="one example per row: the inputs, then the targets")
    train.add_argument("--lr", type=_real, required=True, help="α, the learning rate")
    train.add_argument("--epochs", type=_whole, required=True, help="how many epochs (at least 1)")
    train.add_argument("--batch-size", type=_batch_size, default=1,
                       help="examples per update: a number, or 'full' (default 1: SGD)")
    train.add_argument("--loss", default="squared", choices=LOSS_NAMES,
                       help=f"the loss ℓ (default squared, {LECTURES['001'][1]}'s)")
    train.add_argument("--weight-decay", type=_real, default=0.0,
                       help="λ of the cost's λ Σ w² (default 0)")
    train.add_argument("--optimizer", default="sgd",
                       choices=OPTIMIZERS,
                       help="how a gradient becomes a step (default sgd; lbfgs and cg: the "
                            "full batch through scipy, --epochs iterations, --lr unused)")
    train.add_argument("--seed", type=_whole, default=0,
                       help="drives the permutation of the examples (default 0)")
    train.add_argument("-o", "--output", required=True, help="the trained network's file")
    train.add_argument("--plot", help="also draw the cost per epoch (.png, .svg, .pdf)")
    train.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a progress bar (default: only when stderr is a terminal)")

    sheet = commands.add_parser("exercise", help="write exercises with nice numbers and keys",
                                description="Seeded exercises: a sheet, its key and a JSON "
                                "file each (the variants use seeds SEED, SEED + 1, …).")
    sheet.add_argument("--kind", default="sgd", choices=("forward", "backprop", "sgd"),
                       help="what the student computes: forward (in_j, a_j), backprop (and "
                            "Δ_j) or sgd (and the updated weights; default)")
    sheet.add_argument("--sizes", type=_whole, nargs="+", default=[2, 2, 1], metavar="SIZE",
                       help="the layers' sizes, inputs first (default 2 2 1)")
    sheet.add_argument("--seed", type=_whole, default=0, help="the first variant's seed "
                                                          "(default 0)")
    sheet.add_argument("--variants", type=_whole, default=1, help="how many (default 1)")
    sheet.add_argument("--digits", type=_whole, default=2, help="decimal places (default 2)")
    sheet.add_argument("--significant", type=_whole,
                       help="significant figures instead of decimal places")
    sheet.add_argument("--lr", type=_real, default=0.5, help="α for sgd (default 0.5)")
    sheet.add_argument("--format", default="markdown",
                       choices=("markdown", "latex", "moodle", "gift", "html"),
                       help="markdown or latex: a sheet and a key each; moodle (XML) or gift: "
                            "the questions for an LMS; html: a self-check page each (default "
                            "markdown)")
    sheet.add_argument("--pdf", action="store_true",
                       help="also class.pdf (one sheet per variant) and key.pdf (pdflatex)")
    sheet.add_argument("--title", help="the sheets' title (default Exercise)")
    sheet.add_argument("--course", help="the course named on the sheets")
    sheet.add_argument("-o", "--output", required=True, help="the folder to write into")

    mark = commands.add_parser("grade", help="mark a class's answers to an exercise",
                               description="ANSWERS.csv: a header row 'student, in_3, …' and "
                               "a row per student; every cell is marked on its own.")
    mark.add_argument("key", metavar="KEY.json", help="the exercise, with its answers")
    mark.add_argument("answers", metavar="ANSWERS.csv",
                      help="a header row (student, then value names) and a row per student")
    mark.add_argument("-o", "--output", help="also write the marks as CSV")
    mark.add_argument("--follow-through", action="store_true",
                      help="credit a value right from the student's own earlier wrong values "
                           "(error carried forward)")
    mark.add_argument("--wide", action="store_true",
                      help="the marks CSV with one row per student, for a gradebook")
    return top


def _example_arguments(command, required_x):
    command.add_argument("--x", type=_real, nargs="+", required=required_x, metavar="X",
                         help="the input, one value per input neuron (a recurrent network's "
                              "explain: the sequence, time step after time step)")
    command.add_argument("--y", type=_real, nargs="+", metavar="Y",
                         help="the target, one value per output neuron (a recurrent "
                              "network's explain: per time step, nan for no target)")
    command.add_argument("--loss", default="squared", choices=LOSS_NAMES,
                         help="the loss ℓ for Δ (default squared)")


def _example(args):
    from .teaching.lectures import EXAMPLES, run
    if args.name is None:
        width = max(map(len, EXAMPLES))
        return "\n".join([f"{name:{width}}  {about}" for name, (about, _) in EXAMPLES.items()]
                         + ["", "Run one with: neurograph example NAME"])
    text, pictures = run(args.name, args.out)
    return text + "\n\n" + "\n".join(f"wrote {path}" for path in pictures)


def _new(args):
    from .model.network import Network
    from .teaching.exercises import on_grid
    _will_write(args.output, "network")
    options = dict(activation=args.activation, output_activation=args.output_activation,
                   seed=args.seed, epsilon=args.epsilon, init=args.init)
    if args.shape in ("elman", "jordan"):
        net = getattr(Network, args.shape)(args.sizes, **options)
    else:
        net = Network.layered(args.sizes, **options, skip=args.shape == "skip")
    if args.grid is not None:
        net.set_weights(on_grid(net.w, args.grid))
    path = net.save(args.output)
    return f"wrote {path}: {net.summary()}"


def _explain(args):
    from .errors import NetworkError
    if args.output is not None:
        _will_write(args.output, args.format)
    elif args.format == "html":
        raise NetworkError("--format html writes a page: give its file name with -o x.html")
    net = _network(args.network, "explain")
    if net.delays:
        explanation = _explain_sequence(net, args)
    else:
        explanation = net.explain(args.x, args.y, lr=args.lr, loss=args.loss,
                                  digits=args.digits, carry_rounded=args.carry_rounded,
                                  significant=args.significant)
    if args.output is not None:
        return f"wrote {explanation.save(args.output, format=args.format, aspect=args.aspect)}"
    if args.format == "beamer":
        return explanation.to_beamer(aspect=args.aspect)
    if args.format == "markdown":
        return explanation.to_markdown()
    if args.format == "latex":
        return explanation.to_latex()
    return str(explanation)


def _count(n, noun):
    """'1 value', '3 values'."""
    return f"{n} {noun}{'s' * (n != 1)}"


def _explain_sequence(net, args):
    """BPTT on one sequence for a recurrent network (one with delay edges): --x holds the
    sequence step after step, x_1(1) … x_n(1) x_1(2) …, so T = len(--x) / n_inputs; --y the
    targets likewise, nan for a time step without one."""
    from .errors import NetworkError
    for option, given in (("--carry-rounded", args.carry_rounded),
                          ("--significant", args.significant is not None)):
        if given:
            raise NetworkError(f"{option} is for a feedforward network; {args.network} is "
                               f"recurrent (delay edges), explained with exact values to "
                               f"--digits decimal places")
    n_in, n_out = len(net.inputs), len(net.outputs)
    if not all(math.isfinite(x) for x in args.x):
        raise NetworkError(f"--x must be finite numbers (nan only in --y, for a step without "
                           f"a target); received {' '.join(map(str, args.x))}")
    if len(args.x) % n_in:
        raise NetworkError(f"--x of a recurrent network is its sequence, {n_in} value(s) per "
                           f"time step (x_1(1) … x_{n_in}(1) x_1(2) …); received "
                           f"{_count(len(args.x), 'value')}")
    T = len(args.x) // n_in
    X = [args.x[t * n_in:(t + 1) * n_in] for t in range(T)]
    Y = None
    if args.y is not None:
        if len(args.y) != T * n_out:
            raise NetworkError(f"--y holds {n_out} target(s) per time step for the "
                               f"{_count(T, 'step')} of --x ({_count(T * n_out, 'value')}, "
                               f"nan for a step without a target); received "
                               f"{_count(len(args.y), 'value')}")
        Y = [args.y[t * n_out:(t + 1) * n_out] for t in range(T)]
    return net.explain_sequence(X, Y, lr=args.lr, loss=args.loss, digits=args.digits)


def _draw(args):
    from .errors import NetworkError
    from .model.network import load
    from .model.rbm import RBM
    _will_write(args.output, "picture")
    net = load(args.network)
    if isinstance(net, RBM):
        return _draw_rbm(net, args)
    if args.values is not None:
        if args.x is None or (args.values == "delta" and args.y is None):
            raise NetworkError(f"--values {args.values} needs --x" +
                               (" and --y" if args.values == "delta" else ""))
        net.forward(args.x)
        if args.y is not None:
            net.backward(args.y, loss=args.loss)
    path = net.plot(args.output, values=args.values, bias=args.bias or "label",
                    title=args.title)
    return f"wrote {path}"


def _draw_rbm(rbm, args):
    """An RBM's bipartite picture: --title applies; the options of a feedforward network's
    picture (values, bias, TikZ) do not, and are refused rather than ignored."""
    from .errors import NetworkError
    given = [option for option, value in (("--values", args.values), ("--x", args.x),
                                          ("--y", args.y), ("--bias", args.bias))
             if value is not None]
    if given or args.output.lower().endswith(".tex"):
        raise NetworkError(f"{args.network} holds an RBM, drawn as a PNG, SVG or PDF picture "
                           f"with an optional --title; received "
                           f"{', '.join(given) or 'a .tex file name'}")
    return f"wrote {rbm.plot(args.output, title=args.title)}"


def _network(path, command):
    """The feedforward network in the file at `path`; an RBM file is refused (`command`
    computes with a network's neurons and edges, which an RBM does not have)."""
    from .errors import NetworkError
    from .model.network import load
    from .model.rbm import RBM
    net = load(path)
    if isinstance(net, RBM):
        raise NetworkError(f"{path} holds an RBM (kind \"rbm\"); {command} takes a feedforward "
                           f"network's file (train an RBM with RBM.fit in Python)")
    return net


def _train(args):
    from .data import read_table
    _will_write(args.output, "network")
    if args.plot:
        _will_write(args.plot, "chart")
    net = _network(args.network, "train")
    X, Y = read_table(args.data, len(net.inputs), len(net.outputs))
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    if progress:
        try:
            import tqdm  # noqa: F401
        except ImportError:
            progress = False
    history = net.fit(X, Y, lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                      loss=args.loss, weight_decay=args.weight_decay, seed=args.seed,
                      progress=progress, optimizer=args.optimizer)
    lines = [f"trained {net.summary()} on {len(X)} examples for {history.epochs} epochs: "
             f"J(w) {history.loss[0]:.6g} → {history.loss[-1]:.6g}"]
    if history.accuracy:
        lines.append(f"training accuracy {history.accuracy[-1]:.4f}")
    lines.append(f"wrote {net.save(args.output)}")
    if args.plot:
        import matplotlib.pyplot as plt

        from .drawing.network import save_figure
        from .drawing.training import plot_history
        ax = plot_history(history)
        try:
            lines.append(f"wrote {save_figure(ax.figure, args.plot)}")
        finally:
            plt.close(ax.figure)
    return "\n".join(lines)


def _will_write(path, what):
    """Refuse, before any work, a file this command could not write."""
    from .drawing.network import FORMATS
    from .files.atomic import writable
    from .files.document import SUFFIXES
    from .teaching.explanation import EXPLANATION_SUFFIXES
    if what == "network":
        writable(path, SUFFIXES, "a network file's name")
    elif what == "marks":
        writable(path, (".csv",), "the grades' file name")
    elif what in EXPLANATION_SUFFIXES:
        writable(path, EXPLANATION_SUFFIXES[what], f"the {what} file's name")
    elif what == "chart":  # matplotlib only: training histories have no TikZ form
        writable(path, FORMATS, "the chart's file name")
    else:
        writable(path, (*FORMATS, ".tex"), "the picture's file name")


def _values(argv):
    """The command line with negative numbers marked as values: argparse would read
    ``-1e-3`` or ``-inf`` as options. A leading space keeps them numbers to float()."""
    out = []
    from .checks import parse_real
    from .errors import NetworkError
    for word in argv:
        if word.startswith("-") and not word.startswith("--"):
            try:
                parse_real(word)
            except NetworkError:
                pass
            else:
                word = " " + word
        out.append(word)
    return out


MAX_VARIANTS = 1000
"""The most exercises one ``neurograph exercise`` writes."""


SHEET_FORMATS = {"markdown": ".md", "latex": ".tex", "moodle": ".xml", "gift": ".gift",
                 "html": ".html"}
"""Each --format of ``neurograph exercise`` and the ending of its files."""


def _exercise(args):
    """Write every variant's files (and with --pdf the class's and the keys' PDF), or none:
    every file is checked first and all are written together
    (:func:`~.files.atomic.write_together`)."""
    from pathlib import Path

    from .errors import NetworkError
    from .files.atomic import writable, write_together
    from .markup import terminal_text
    from .teaching.exercises import exercise
    from .teaching.sheets import compile_pdf, latex_pages
    if not 1 <= args.variants <= MAX_VARIANTS:
        raise NetworkError(f"--variants must be from 1 to {MAX_VARIANTS:,}; received "
                           f"{args.variants}")
    folder = Path(args.output)
    suffix = SHEET_FORMATS[args.format]
    sheets = args.format in ("markdown", "latex")
    endings = ({".png": ".png", suffix: suffix, f"_key{suffix}": suffix} if sheets
               else {suffix: suffix})
    endings[".json"] = ".json"
    seeds = range(args.seed, args.seed + args.variants)
    missing = _folders_to_make(folder)
    if not missing:  # every file it will write, before any work
        for seed in seeds:
            for ending, kind in endings.items():
                writable(folder / f"exercise_{seed}{ending}", (kind,), "an exercise's file")
        if args.pdf:
            for name in ("class.pdf", "key.pdf"):
                writable(folder / name, (".pdf",), "a PDF's file")
    made = [exercise(sizes=args.sizes, kind=args.kind, seed=seed, lr=args.lr,
                     digits=args.digits, significant=args.significant, title=args.title,
                     course=args.course) for seed in seeds]
    files = []
    for ex in made:
        stem = f"exercise_{ex.seed}"
        if args.format == "markdown":
            picture = f"{stem}.png"  # beside the sheets, which name it
            files += [(picture, ex.picture()), (f"{stem}.md", ex.to_markdown(False, picture)),
                      (f"{stem}_key.md", ex.to_markdown(True, picture))]
        elif args.format == "latex":
            files += [(f"{stem}.png", ex.picture()), (f"{stem}.tex", ex.to_latex(False)),
                      (f"{stem}_key.tex", ex.to_latex(True))]
        else:
            render = {"moodle": ex.to_moodle_xml, "gift": ex.to_gift, "html": ex.to_html}
            files.append((f"{stem}{suffix}", render[args.format]()))
        files.append((f"{stem}.json", ex.to_bytes()))
    if args.pdf:
        files += [("class.pdf", compile_pdf(latex_pages(made, False))),
                  ("key.pdf", compile_pdf(latex_pages(made, True)))]
    for new in missing:
        new.mkdir()
    try:
        write_together([(folder / name, lambda handle, data=data: handle.write(
            data if isinstance(data, bytes) else data.encode("utf-8"))) for name, data in files])
    except BaseException:
        for new in reversed(missing):  # the folders made for them, if still empty
            try:
                new.rmdir()
            except OSError:
                pass
        raise
    what = {"markdown": "a sheet, a key, a picture and a JSON file each",
            "latex": "a sheet, a key, a picture and a JSON file each",
            "moodle": "a Moodle XML quiz and a JSON file each",
            "gift": "a GIFT quiz and a JSON file each",
            "html": "a self-check page and a JSON file each"}[args.format]
    return (f"wrote {len(made)} {args.kind} exercise{'s' * (len(made) != 1)} (seeds "
            f"{made[0].seed}–{made[-1].seed}) into {terminal_text(folder, 200)}: {what}"
            + ("; class.pdf and key.pdf" if args.pdf else ""))


def _folders_to_make(folder):
    """The folders, outermost first, to make for `folder` (none if it exists); a NetworkError
    if it exists and is not a folder, or cannot be made."""
    import os

    from .errors import NetworkError
    from .markup import terminal_text
    missing, place = [], folder
    while not os.path.lexists(place):
        missing.append(place)
        place = place.parent
    if not place.is_dir():
        what = "the folder to write into" if place == folder else "a folder to make it in"
        raise NetworkError(f"{terminal_text(place, 80)}: exists and is not a folder; expected "
                           f"{what}")
    if missing and not os.access(place, os.W_OK | os.X_OK):
        raise NetworkError(f"cannot make {terminal_text(folder, 80)}: permission denied in "
                           f"{terminal_text(place, 80)}")
    return missing[::-1]


def _grade(args):
    import os
    from pathlib import Path

    from .errors import NetworkError
    from .markup import terminal_text
    from .teaching.exercise_file import load_exercise
    from .teaching.grading import grade
    if args.output:
        _will_write(args.output, "marks")
        for given in (args.answers, args.key):
            if os.path.exists(args.output) and os.path.exists(given) \
                    and os.path.samefile(args.output, given):
                raise NetworkError(f"-o {terminal_text(args.output, 80)} would overwrite the "
                                   f"class's {'answers' if given is args.answers else 'key'}; "
                                   f"give the marks another file")
    grades = grade(load_exercise(Path(args.key)), Path(args.answers),
                   follow_through=args.follow_through)
    text = str(grades)
    if args.output:
        layout = "wide" if args.wide else "long"
        text += f"\nwrote {terminal_text(grades.to_csv(args.output, layout=layout), 200)}"
    return text


COMMANDS = {"example": _example, "new": _new, "explain": _explain, "draw": _draw,
            "train": _train, "exercise": _exercise, "grade": _grade}


def main(argv=None):
    """Run the command line; returns the exit status."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # pictures go to files; no window needed
    args = parser().parse_args(_values(sys.argv[1:] if argv is None else argv))
    from .errors import NetworkError
    try:
        print(COMMANDS[args.command](args))
    except (NetworkError, OSError, ImportError) as error:
        if os.environ.get("NEUROGRAPH_DEBUG"):
            raise
        print(f"neurograph {args.command}: error: {_line(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("neurograph: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
