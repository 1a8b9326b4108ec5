"""Draw the pictures the README shows, so they stay current: python scripts/readme_pictures.py

Until neurograph has its own drawing functions, this uses networkx's drawing
on the network's graph, in the lectures' colours (inputs blue, processing yellow).
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402

import neurograph as ng  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def lecture_network_picture(path):
    """Seed 001's forward-propagation example after forward([3, 4]), weights on the edges."""
    net = ng.Network.from_weights(
        {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
         (0, 5): -1, (3, 5): 4, (4, 5): 2})
    net.forward([3, 4])
    G = net.graph
    pos = {0: (0, -1.7), 1: (0, 0.7), 2: (0, -0.5), 3: (1.7, 0.7), 4: (1.7, -0.5), 5: (3.4, 0.1)}
    bias = "arc3,rad=0.25"
    fig, ax = plt.subplots(figsize=(7.2, 3.6), dpi=130)
    colours = ["#d9d9d9" if j == 0 else "#8fbce6" if j in net.inputs else "#f7d154" for j in G]
    nx.draw_networkx_edges(G, pos, ax=ax, edgelist=[e for e in G.edges if e[0]], width=1.4,
                           arrowsize=14, node_size=900, edge_color="#555555")
    nx.draw_networkx_edges(G, pos, ax=ax, edgelist=[e for e in G.edges if e[0] == 0],
                           style="dashed", width=1.0, arrowsize=11, node_size=900,
                           edge_color="#999999", connectionstyle=bias)
    nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colours, node_size=900, edgecolors="#333333")
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=12, font_weight="bold")
    box = dict(boxstyle="round,pad=0.15", fc="white", ec="none")
    for sources, style, where in (([1, 2, 3, 4], "arc3", 0.3), ([0], bias, 0.75)):
        labels = {(i, j): f"{net.w[i, j]:g}".replace("-", "−") for i, j in G.edges if i in sources}
        nx.draw_networkx_edge_labels(G, pos, labels, ax=ax, font_size=9, label_pos=where,
                                     rotate=False, bbox=box, connectionstyle=style)
    for j in G:
        n = net.neuron(j)
        sub = chr(0x2080 + j)  # j as a subscript digit
        text = {"bias": "a₀ = 1", "input": f"a{sub} = x{sub} = {n.a:g}"}.get(
            n.kind, f"in{sub} = {n.in_:.2f}\na{sub} = {n.a:.2f}")
        above = j == 3
        ax.annotate(text.replace("-", "−"), pos[j], xytext=(0, 24 if above else -24),
                    textcoords="offset points", ha="center", va="bottom" if above else "top",
                    fontsize=9)
    ax.set_title("Seed 001's network after forward propagation of x = (3, 4): h(x) = a₅ ≈ 0.82",
                 fontsize=10)
    ax.margins(0.12, 0.3)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    lecture_network_picture(OUT / "lecture_network.png")
    print(f"wrote {OUT / 'lecture_network.png'}")
