"""Recurrent networks drawn: delay edges dotted and labelled with their delay, self-loops as
loops, and |Δ_j(t)| over time."""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402


def test_delay_edges_are_drawn_dotted_with_their_delay_in_matplotlib_tikz_and_svg():
    net = ng.Network.from_weights({(1, 2): 0.5, (2, 2): 0.9, (2, 3): 1.0, (1, 3): 0.3},
                                  delays={(2, 2): 1, (1, 3): 2})
    ax = ng.plot_network(net)
    edges = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("edge:")}
    assert edges["edge:2,2"].get_linestyle() == ":" and edges["edge:1,3"].get_linestyle() == ":"
    assert edges["edge:1,2"].get_linestyle() == "-"
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    assert labels["weight:2,2"] == "0.9 d=1" and labels["weight:1,3"] == "0.3 d=2"
    loop = edges["edge:2,2"].get_path().vertices
    assert loop[:, 1].min() < -0.5  # a loop under neuron 2 (at y = 0), not a point
    plt.close("all")
    tikz = ng.to_tikz(net)
    assert "delayed/.style={densely dotted}" in tikz
    loop = re.search(r"\\draw\[edge, positive, delayed, [^]]*\] \(n2\) to\[out=-115, in=-65, "
                     r"looseness=7\] \(n2\); \\node\[weight\] at \(([-0-9.]+),([-0-9.]+)\) "
                     r"\{\$0\.9\$ d=1\};", tikz)
    assert loop and float(loop[2]) < 0  # the self-loop, dotted, its label under neuron 2
    from neurograph.drawing.svg import svg_picture
    svg = svg_picture(net)
    assert 'class="edge positive delayed" data-id="edge-2-2"' in svg and ">0.3 d=2<" in svg


def test_plot_deltas_over_time_shows_bptts_deltas():
    net = ng.Network.elman([1, 3, 1], activation="tanh", seed=0)
    X = np.random.default_rng(0).uniform(-1, 1, (6, 1))
    Y = np.full((6, 1), np.nan)
    Y[-1] = 1.0
    ax = ng.plot_deltas(net, X, Y, label="Elman")
    t, shown = ax.lines[0].get_data()
    assert list(t) == [1, 2, 3, 4, 5, 6]
    steps = net.explain_sequence(X, Y)
    expected = [np.exp(np.mean([np.log(abs(steps.values[f"Δ_{j}({s})"])) for j in net.hidden]))
                for s in range(1, 7)]
    assert np.allclose(shown, expected, rtol=1e-12)
    assert shown[0] < shown[-1]  # fading as it goes back
    plt.close("all")


def test_neurons_drawn_as_large_as_their_spacing_allows_for_a_picture_without_labels():
    """radius="largest" (the Beamer frames that list an LSTM's values in a table): the two
    closest neurons 2.5 radii apart, more than the usual radius; anything else is refused."""
    import itertools

    import pytest

    from neurograph.drawing.geometry import RADIUS, geometry
    net = ng.Network.lstm(n_inputs=2, n_hidden=2, seed=0)
    shape = geometry(net, bias="hide", weights=False, em="radius", radius="largest")
    closest = min(np.hypot(*np.subtract(shape.where[i], shape.where[j]))
                  for i, j in itertools.combinations(shape.shown, 2))
    assert shape.radius == pytest.approx(closest / 2.5) and shape.radius > RADIUS
    assert geometry(net, bias="hide", weights=False, em="radius").radius == RADIUS
    one = ng.Network.from_weights({(0, 1): 0.5})  # a single neuron drawn: RADIUS
    assert geometry(one, em="radius", radius="largest").radius == RADIUS
    with pytest.raises(ng.NetworkError, match="radius must be 'largest' or None; received"):
        geometry(net, radius=2.0)
