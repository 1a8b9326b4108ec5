"""The lectures neurograph follows, and the examples that ``neurograph example NAME`` runs.

Each example comes from CS 457/557 Lecture 07; it returns the text to print and writes one
picture into a folder.
"""

from pathlib import Path

from ..model.network import Network

__all__ = ["LECTURES", "EXAMPLES", "lecture_of", "forward_network", "sgd_network", "run"]

LECTURES = {
    "000": ("CS 6347 Lecture 23", "Lecture 23"),
    "001": ("CS 457/557 Lecture 07", "Lecture 07"),
    "002": ("Advanced Machine Learning #L3", "#L3"),
    "003": ("“Multi-level networks”", "“Multi-level networks”"),
    "004": ("ISTA 421 + INFO 521 Lecture 25", "Lecture 25"),
}
"""seed (the notes' number in neurograph's development) → (the lecture as its notes name
themselves, the short name used in titles, help and docstrings). Lecture 07's parts are named
as its notes name them: Lecture 07-1a to 07-5d. The notes of “Multi-level networks” name no
course or number: the title of its first slide names it."""


def forward_network():
    """Lecture 07-2c: the 2-2-1 network of the forward-propagation example."""
    return Network.from_weights(
        {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
         (0, 5): -1, (3, 5): 4, (4, 5): 2})


def sgd_network():
    """Lecture 07-2a: the single logistic neuron of the example SGD iteration."""
    return Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})


def lecture_of(name):
    """The part of Lecture 07 that example `name` comes from, as EXAMPLES says: "Lecture 07-2c"."""
    return EXAMPLES[name][0].split(":")[0]


def _forward(out):
    net = forward_network()
    text = "\n\n".join([str(net.explain([3, 4], digits=2, carry_rounded=True)),
                        str(net.explain([3, 4], digits=4)),
                        f"h(x) = a_5 = {net.forward([3, 4])[0]:.4f} ≈ 0.82, as on the slide"])
    return text, [net.plot(out / "forward.png", values="a",
                           title=f"{lecture_of('forward')}: forward propagation of x = (3, 4)")]


def _sgd(out):
    net = sgd_network()
    x, y = [0.4, 0.5], [1]
    text = "\n\n".join([
        str(net.explain(x, y, lr=0.5, carry_rounded=True)),
        "Exactly (not carrying rounded values):\n" + net.explain(x, y, lr=0.5).edge_table()])
    net.forward(x)
    picture = net.plot(out / "sgd.png", values="a", digits=4,
                       title=f"{lecture_of('sgd')}: the neuron before its SGD update")
    net.sgd_step(x, y, lr=0.5)
    text += f"\n\nAfter the update, g(in_3) = {net.forward(x)[0]:.4f} (the slide: 0.5862)"
    return text, [picture]


def _xor(out):
    import matplotlib.pyplot as plt

    from .. import datasets
    from ..drawing.network import save_figure
    from ..drawing.training import plot_decision_boundary, plot_history
    X, Y = datasets.xor()
    single = Network.layered([2, 1], seed=0)
    single.fit(X, Y, lr=2.0, epochs=2000)
    net = Network.layered([2, 2, 1], seed=0)
    history = net.fit(X, Y, lr=2.0, epochs=2000)
    lines = [f"No hidden layer (2-1) predicts {single.classify(X).tolist()}: XOR is not "
             f"linearly separable.",
             f"One hidden layer (2-2-1) predicts {net.classify(X).tolist()} "
             f"(the truth table is [0, 1, 1, 0]); J(w) = {history.loss[-1]:.5f} after "
             f"{history.epochs} epochs."]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4))
    plot_history(history, ax=left, log=True)
    plot_decision_boundary(net, X, Y, ax=right)
    figure.tight_layout()
    try:
        return "\n".join(lines), [save_figure(figure, out / "xor.png")]
    finally:
        plt.close(figure)


def _symmetry(out):
    from .. import datasets
    X, Y = datasets.xor()
    lines, pictures = [], []
    for init in ("constant", "uniform"):
        net = Network.layered([2, 2, 1], init=init, seed=0)
        net.fit(X, Y, lr=2.0, epochs=2000)
        tied = all(net.w[i, 3] == net.w[i, 4] for i in (0, 1, 2)) and net.w[3, 5] == net.w[4, 5]
        lines.append(f"{init} initial weights: after 2000 epochs neurons 3 and 4 are "
                     f"{'still identical' if tied else 'different'}; XOR predictions "
                     f"{net.classify(X).tolist()}")
        if init == "constant":
            pictures.append(net.plot(out / "symmetry.png", title="All weights 0 at first: "
                                     "neurons 3 and 4 stay identical"))
    return "\n".join(lines), pictures


def nand_adder():
    """#L3 (after Nielsen, ch. 1): two bits added by NAND perceptrons (w = −2, −2, bias 3).

    n_3 = NAND(x_1, x_2); n_4 = NAND(x_1, n_3); n_5 = NAND(x_2, n_3); the sum
    n_6 = NAND(n_4, n_5) = x_1 XOR x_2; the carry n_7 = NAND(n_3, n_3) = x_1 AND x_2 (n_3
    feeds it twice: one edge of weight −4). Outputs [6, 7]: the sum, then the carry.
    """
    return Network.from_weights(
        {(0, 3): 3.0, (1, 3): -2.0, (2, 3): -2.0, (0, 4): 3.0, (1, 4): -2.0, (3, 4): -2.0,
         (0, 5): 3.0, (2, 5): -2.0, (3, 5): -2.0, (0, 6): 3.0, (4, 6): -2.0, (5, 6): -2.0,
         (0, 7): 3.0, (3, 7): -4.0}, activation="threshold", outputs=[6, 7])


def nand_adder_layout(adder):
    """Positions for drawing the adder: the carry below the rest, so edge (3, 7) clears n_5."""
    from ..drawing.network import network_layout
    where = network_layout(adder)
    return {7: (where[7][0], where[5][1] - 1.6)}


def _vanishing(out):
    import matplotlib.pyplot as plt

    from ..drawing.network import save_figure
    from ..drawing.training import plot_deltas
    chain = {(j - 1, j): 1.0 for j in range(2, 6)}  # the lecture's 5-neuron chain
    chain.update({(0, j): 0.1 for j in range(2, 6)})
    lines, ax = ["|Δ_j| along the chain 1 → 2 → 3 → 4 → 5, output first:"], None
    for g in ("logistic", "relu"):
        net = Network.from_weights(chain, activation=g)
        net.forward([0.5])
        net.backward([0.0])
        deltas = "  ".join(f"{abs(net.neuron(j).delta):.2e}" for j in range(5, 1, -1))
        lines.append(f"  {g:9} {deltas}")
        ax = plot_deltas(net, [0.5], [0.0], ax=ax, label=g)
    try:
        return "\n".join(lines), [save_figure(ax.figure, out / "vanishing.png")]
    finally:
        plt.close(ax.figure)


EXAMPLES = {
    "forward": ("Lecture 07-2c: forward propagation of x = (3, 4), h(x) ≈ 0.82", _forward),
    "sgd": ("Lecture 07-2a: one SGD iteration (0.2122, 0.1449, 0.1561)", _sgd),
    "xor": ("Lecture 07-2b: a hidden layer overcomes the XOR problem", _xor),
    "symmetry": ("Lecture 07-4a: equal initial weights stay equal", _symmetry),
    "vanishing": ("Lecture 07-3d: vanishing gradients in the 5-neuron chain, logistic against "
                  "ReLU", _vanishing),
}
"""name → (what it shows, runner(folder) → (text, pictures written))."""


def run(name, out="."):
    """Run example `name`: (the text it prints, the pictures it wrote into `out`)."""
    return EXAMPLES[name][1](Path(out))
