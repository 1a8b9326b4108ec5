"""Pictures at every size: no label on a label or on a neuron, nothing outside the picture,
large networks as blocks (issue 27). Measured on the drawn figure (legibility.problems)."""

import re

import matplotlib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.drawing.geometry import geometry
from neurograph.drawing.svg import svg_picture
from neurograph.teaching import lectures
from legibility import problems
from support import dags

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def cascade_shape(hidden=16, inputs=2, seed=0):
    """Cascade-correlation's network: inputs 1…p, output p+1, then a chain of hidden neurons,
    each fed by the inputs and every earlier hidden neuron, all feeding the output."""
    rng = np.random.default_rng(seed)
    ins, out = list(range(1, inputs + 1)), inputs + 1
    chain = list(range(out + 1, out + hidden + 1))
    edges = {}
    for t, h in enumerate(chain):
        for i in [0, *ins, *chain[:t]]:
            edges[i, h] = float(rng.normal())
    for i in [0, *ins, *chain]:
        edges[i, out] = float(rng.normal())
    return ng.Network.from_weights(edges, activations={h: "tanh" for h in chain}, inputs=ins,
                                   outputs=[out])


def random_dag(n, inputs, seed, sources=4):
    """n neurons: each processing neuron fed by up to `sources` earlier ones (skips of every
    length) and the bias."""
    rng = np.random.default_rng(seed)
    edges = {}
    for j in range(inputs + 1, n + 1):
        for i in rng.choice(np.arange(1, j), size=min(j - 1, int(rng.integers(1, sources + 1))),
                            replace=False):
            edges[int(i), j] = float(rng.normal())
        edges[0, j] = float(rng.normal())
    return ng.Network.from_weights(edges, inputs=list(range(1, inputs + 1)))


def curves_inside(shape):
    """Every curve's control points (the cubic's, as TikZ bounds them) inside the picture."""
    x0, x1, y0, y1 = shape.bounds()
    for curve in shape.curves.values():
        for x, y in (curve.a, *curve.cubic(), curve.b):
            assert x0 <= x <= x1 and y0 <= y <= y1


LECTURE_NETWORKS = {
    "forward": lectures.forward_network, "sgd": lectures.sgd_network,
    "nand adder": lectures.nand_adder,
    "skip": lambda: ng.Network.from_weights(
        {(0, 7): 0.3, (1, 7): -1.1, (2, 7): 0.8, (0, 4): -0.2, (7, 4): 1.4, (2, 4): 0.5,
         (1, 4): 0.7, (4, 8): 0.9, (0, 8): 0.2, (1, 8): 0.3, (4, 9): -0.9, (7, 9): 0.6,
         (8, 9): 1.1, (1, 9): 1.2, (2, 9): -0.4, (0, 9): 0.1}),
    "cascade, 4 hidden": lambda: cascade_shape(4),
    "cascade, 16 hidden": lambda: cascade_shape(16),
    "random 60": lambda: random_dag(60, 4, seed=0),
    "20 layers": lambda: ng.Network.layered([3] + [6] * 20 + [2], seed=0),
}


@pytest.mark.parametrize("name", LECTURE_NETWORKS)
def test_no_label_on_a_label_or_a_neuron_and_nothing_outside(name):
    net = LECTURE_NETWORKS[name]()
    ax = ng.plot_network(net, title=name)
    assert problems(ax) == []
    curves_inside(geometry(net))
    texts = [t.get_gid() for t in ax.texts]
    if len(net.w) <= 60:  # few enough to label: every weight is written, none left out
        assert sum(g.startswith(("weight:", "bias:")) for g in texts) == len(net.w)
        assert "note" not in texts


def test_with_values_and_the_bias_as_a_node():
    net = LECTURE_NETWORKS["skip"]()
    net.forward([0.5, -1.0])
    for kwargs in ({"values": "a"}, {"bias": "node", "values": "in"}):
        assert problems(ng.plot_network(net, **kwargs)) == []


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(net=dags(max_inputs=5, max_processing=55), values=st.booleans())
def test_random_dags_are_legible(net, values):
    if values:
        net.forward([0.5] * len(net.inputs))
    ax = ng.plot_network(net, values="a" if values else None)
    found, noted = problems(ax), any(t.get_gid() == "note" for t in ax.texts)
    plt.close(ax.figure)
    assert found == []
    shape = geometry(net, values="a" if values else None)
    curves_inside(shape)
    assert bool(shape.left_out) == noted  # a label left out is said so under the picture


def test_a_cascade_reads_as_a_chain_not_a_strip():
    shape = geometry(cascade_shape(16))
    x0, x1, y0, y1 = shape.bounds()
    assert (x1 - x0) / (y1 - y0) < 4  # was 12:1, with curves leaving the canvas
    ax = ng.plot_network(cascade_shape(16))
    assert any(t.get_gid() == "id:19" for t in ax.texts)  # large enough for the ids


def test_columns_are_ordered_to_cross_fewer_edges():
    # 3 feeds only 6, and 4 only 5: drawn in id order, (3, 6) would cross (4, 5) and (6, 7)
    # would cross (5, 8); with 6 above 5 nothing crosses
    net = ng.Network.from_weights({(1, 3): 1, (2, 4): 1, (3, 6): 1, (4, 5): 1, (1, 6): 1,
                                   (6, 7): 1, (5, 8): 1}, inputs=[1, 2], outputs=[7, 8])
    where = ng.network_layout(net)
    assert where[6][1] > where[5][1]  # 6 (fed by 3, on top) stands above 5
    assert where[7][1] > where[8][1]  # the outputs keep their ids' order


def test_column_names_never_run_together():
    ax = ng.plot_network(ng.Network.layered([3] + [6] * 20 + [2], seed=0))
    names = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("column:")]
    assert len(names) == 22 and names[17] == "100–105" and names[-1] == "124–125"
    assert problems(ax) == []


def test_large_networks_are_drawn_as_blocks():
    net = random_dag(2000, 20, seed=1, sources=3)
    ax = ng.plot_network(net)
    gids = [a.get_gid() or "" for a in ax.patches]
    blocks = [g for g in gids if g.startswith("block:")]
    assert 3 <= len(blocks) <= 12 and not any(g.startswith("neuron:") for g in gids)
    assert len(ax.texts) < 100
    assert problems(ax) == []
    named = [t.get_text() for t in ax.texts if t.get_gid().startswith("block")]
    assert sum(int(text.split(" ")[0].replace(",", "")) for text in named) == len(net.neurons) - 1


def test_the_counts_and_mean_weights_of_blocks():
    net = ng.Network.layered([784, 100, 10], seed=0)
    ax = ng.plot_network(net)
    assert problems(ax) == [] and len(ax.texts) == 3 + 2
    found = {t.get_gid(): t.get_text() for t in ax.texts}
    assert found["block:0"] == "784 neurons\n1–784"
    mean = np.mean([abs(w) for (i, j), w in net.w.items() if 1 <= i <= 784])
    assert found["link:0:1"] == f"78,400 edges\nmean |w| {mean:.2g}"


def test_a_part_of_a_large_network_neuron_by_neuron():
    net = ng.Network.layered([400, 30, 5], seed=0)  # blocks by default
    ax = ng.plot_network(net, focus=431)  # an output: its 30 sources, no targets
    shown = {int(p.get_gid()[7:]) for p in ax.patches if p.get_gid().startswith("neuron:")}
    assert shown == {431, *range(401, 431)}
    ax = ng.plot_network(net, neurons=[1, 2, 401, 402, 431])
    shown = {int(p.get_gid()[7:]) for p in ax.patches if p.get_gid().startswith("neuron:")}
    assert shown == {1, 2, 401, 402, 431}
    assert problems(ax) == []
    for bad, words in [({"focus": 0}, "focus must be"), ({"neurons": [99999]}, "no neurons"),
                       ({"neurons": [1], "focus": 2}, "not both"), ({"neurons": 3}, "list")]:
        with pytest.raises(ng.NetworkError, match=words):
            ng.plot_network(net, **bad)


def test_svg_paths_stay_inside_the_view_box():
    for name in ("skip", "cascade, 16 hidden"):
        svg = svg_picture(LECTURE_NETWORKS[name]())
        width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
        for path in re.findall(r' d="([^"]+)"', svg):
            numbers = [float(v) for v in re.findall(r"-?[\d.]+", path)]
            xs, ys = numbers[0::2], numbers[1::2]
            assert min(xs) >= 0 and max(xs) <= width + 0.5 and min(ys) >= 0 \
                and max(ys) <= height + 0.5


@pytest.mark.parametrize("text, drawn", [
    ("−0.62", "−0.62"), ("1.2×10^−276", "1.2×10^−276"),  # weights: plain text, exponent and all
    ("w_{0,4}=0.1", r"$w_{0,4}=0.1$"), ("w_{0,12}=−1.2×10^−27", r"$w_{0,12}=-1.2\times10^{-27}$"),
    ("Δ_{13}=−0.05", r"$\Delta_{13}=-0.05$"), ("in_{5}=1.5379", r"$in_{5}=1.5379$"),
    ("100–105", "100–105"), ("softmax", "softmax"), ("BN", "BN"), ("Π", "Π")])
def test_the_placer_never_underestimates_a_label(text, drawn):
    """The placer's sizes hold what matplotlib draws (found by the random DAGs: an exponent
    written in plain text, 10^−276, is as wide as its characters, not a superscript)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from neurograph.drawing.labels import text_size
    figure = Figure(dpi=100)
    written = figure.text(0.1, 0.5, drawn, fontsize=10)
    box = written.get_window_extent(FigureCanvasAgg(figure).get_renderer())
    width, height = text_size(text, 10.0)  # in points, at 10 pt
    assert box.width * 72 / 100 <= width and box.height * 72 / 100 <= height


def test_large_networks_as_blocks_in_tikz(tmp_path):
    import subprocess
    net = ng.Network.layered([784, 100, 10], seed=0)
    tex = ng.to_tikz(net, title="784-100-10")
    assert "n5" not in tex and tex.count("rectangle") == 4  # the extent and three blocks
    assert r"784 neurons \\ 1--784" in tex and r"78,400 edges \\ mean $|$w$|$" in tex
    path = tmp_path / "blocks.tex"
    path.write_text(tex, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name],
                          cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:]
    small = ng.Network.layered([3, 2, 1], seed=0)  # blocks when asked, else neuron by neuron
    assert r"3 neurons \\ 1--3" in ng.to_tikz(small, blocks=True)
    assert "(n3)" in ng.to_tikz(small) and "[label]" not in ng.to_tikz(small)
