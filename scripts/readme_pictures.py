"""Draw the pictures the README shows, so they stay current.

Run:  python scripts/readme_pictures.py [--out docs/images]
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's neurograph first

import neurograph as ng  # noqa: E402
from neurograph.teaching import lectures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def lecture_network(out):
    """Lecture 07-2c's forward-propagation example after forward([3, 4])."""
    net = lectures.forward_network()
    net.forward([3, 4])
    return net.plot(out / "lecture_network.png", values="a",
                    title=f"{lectures.lecture_of('forward')}: the network after forward "
                          f"propagation of x = (3, 4)")


def skip_dag(out):
    """A network that is not layered: skip edges, ids out of topological order, bias drawn."""
    return skip_dag_network().plot(out / "skip_dag.png", bias="node",
                                   title="A non-layered DAG: skip edges curve around the "
                                         "columns they skip")


def skip_dag_network():
    return ng.Network.from_weights(
        {(0, 7): 0.3, (1, 7): -1.1, (2, 7): 0.8, (0, 4): -0.2, (7, 4): 1.4, (2, 4): 0.5,
         (1, 4): 0.7, (4, 8): 0.9, (0, 8): 0.2, (1, 8): 0.3, (4, 9): -0.9, (7, 9): 0.6,
         (8, 9): 1.1, (1, 9): 1.2, (2, 9): -0.4, (0, 9): 0.1},
        activations={7: "tanh", 4: "relu", 8: "softplus", 9: "logistic"})


def xor_training(out):
    """XOR learnt by 2-2-1: the cost per epoch, the decision boundary, each neuron's output."""
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4))
    ng.plot_history(history, ax=left, log=True)
    left.set_title("XOR, 2-2-1, SGD with α = 2: J(w) per epoch", fontsize=10)
    ng.plot_decision_boundary(net, X, Y, ax=right)
    right.set_title("h(x) over the input plane; the line is h(x) = 0.5", fontsize=10)
    figure.tight_layout()
    figure.savefig(out / "xor_training.png", dpi=100)
    plt.close(figure)
    axes = ng.plot_neuron_outputs(net, X=X)
    figure = next(iter(axes.values())).figure
    figure.suptitle("Each neuron's output $a_j$ over the plane (hidden 3, 4; output 5)",
                    fontsize=10)
    figure.tight_layout()
    figure.savefig(out / "xor_neurons.png", dpi=100)
    plt.close(figure)
    return out / "xor_training.png", out / "xor_neurons.png"


def digits_network(out):
    """The 64-30-10 network of the digits: weights too many to label, so none are."""
    net = ng.Network.layered([64, 30, 10], init="glorot", seed=0)
    return net.plot(out / "digits_network.png", dpi=60,
                    title="64-30-10: the 8×8 digits network")


def nand_adder(out):
    """#L3's two-bit adder from NAND perceptrons (examples/perceptron_adder.py)."""
    adder = lectures.nand_adder()
    return adder.plot(out / "nand_adder.png",
                      title="Two bits added with NAND perceptrons: sum (6) and carry (7)")


def skip_dag_tikz(out):
    """The same DAG as TikZ, compiled with pdflatex and rendered by pdftoppm (poppler)."""
    net = skip_dag_network()
    net.forward([0.5, -1.0])
    with tempfile.TemporaryDirectory() as folder:
        tex = net.plot(Path(folder) / "skip_dag.tex", bias="node", values="a")
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                       cwd=folder, check=True, capture_output=True)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", "skip_dag.pdf",
                        str((out / "skip_dag_tikz").resolve())], cwd=folder, check=True)
    return out / "skip_dag_tikz.png"


def exercise_sheet(out):
    """Quiz 3's sheet for one student, as pdflatex prints it (page 1, rendered by pdftoppm)."""
    ex = ng.exercise(kind="sgd", seed=7, title="Quiz 3", course="CS 457")
    with tempfile.TemporaryDirectory() as folder:
        ex.save(Path(folder) / "sheet.pdf")
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", "sheet.pdf",
                        str((out / "exercise_sheet").resolve())], cwd=folder, check=True)
    return out / "exercise_sheet.png"


def wide_slide(out):
    """A 16:9 Beamer frame of the lecture's network: Δ_4 just computed."""
    steps = lectures.forward_network().explain([3, 4], [1], lr=0.5, digits=2,
                                               carry_rounded=True)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "slides.tex").write_text(steps.to_beamer(aspect="16:9"),
                                                 encoding="utf-8")
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "slides.tex"],
                       cwd=folder, check=True, capture_output=True)
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "16", "-l", "16", "-singlefile",
                        "slides.pdf", str((out / "slide_16_9").resolve())], cwd=folder,
                       check=True)
    return out / "slide_16_9.png"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    written = [lecture_network(out), skip_dag(out), *xor_training(out), digits_network(out),
               nand_adder(out), skip_dag_tikz(out), exercise_sheet(out), wide_slide(out)]
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
