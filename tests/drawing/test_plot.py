"""Pictures: inspected through their artists (gids), not only looked at."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba

import neurograph as ng
from neurograph.numbers import format_number
from neurograph.drawing.network import NEGATIVE, POSITIVE
from support import lecture_network, snapshot

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def artists(ax):
    """{gid: artist} for every artist neurograph named."""
    found = {}
    for artist in [*ax.patches, *ax.texts, *ax.collections, *ax.lines, *ax.images]:
        if artist.get_gid():
            found[artist.get_gid()] = artist
    return found


def skip_dag():
    return ng.Network.from_weights(
        {(0, 7): 0.3, (1, 7): -1.1, (2, 7): 0.8, (0, 4): -0.2, (7, 4): 1.4, (2, 4): 0.5,
         (4, 9): -0.9, (7, 9): 0.6, (1, 9): 1.2, (0, 9): 0.1},
        activations={7: "tanh", 4: "relu", 9: "logistic"})


def test_every_neuron_and_weight_is_drawn_and_labelled():
    net = lecture_network()
    ax = ng.plot_network(net)
    found = artists(ax)
    for j in (1, 2, 3, 4, 5):
        assert f"neuron:{j}" in found and found[f"id:{j}"].get_text() == str(j)
    assert "neuron:0" not in found  # the bias neuron is left out by default ...
    for (i, j), w in net.w.items():
        if i == 0:  # ... with each bias weight written beside its neuron
            assert found[f"bias:{j}"].get_text() == f"$w_{{0,{j}}}={format_number(w, 2, True)}$"
        else:
            assert found[f"weight:{i},{j}"].get_text() == format_number(w, 2)
    assert found["weight:2,3"].get_text() == "−2"


def test_lecture_colours_for_neurons():
    found = artists(ng.plot_network(lecture_network()))
    inputs = {found[f"neuron:{j}"].get_facecolor() for j in (1, 2)}
    processing = {found[f"neuron:{j}"].get_facecolor() for j in (3, 4, 5)}
    assert len(inputs) == 1 and len(processing) == 1 and inputs != processing
    red, green, blue, _ = inputs.pop()
    assert blue > red  # inputs blue
    red, green, blue, _ = processing.pop()
    assert red > blue and green > blue  # processing neurons yellow


def test_edge_colour_follows_the_sign_and_width_grows_with_the_weight():
    net = lecture_network()
    found = artists(ng.plot_network(net))
    edges = [(e, w) for e, w in net.w.items() if e[0] != 0]
    for (i, j), w in edges:
        colour = found[f"edge:{i},{j}"].get_edgecolor()
        assert colour == to_rgba(POSITIVE if w >= 0 else NEGATIVE, 0.9)
    by_size = sorted(edges, key=lambda item: abs(item[1]))
    widths = [found[f"edge:{i},{j}"].get_linewidth() for (i, j), _ in by_size]
    for (small, wide), (a, b) in zip(zip(widths, widths[1:]), zip(by_size, by_size[1:])):
        assert small < wide if abs(a[1]) < abs(b[1]) else small == wide


def test_passing_an_axes_gives_the_same_picture():
    def description(ax):
        out = []
        for gid, artist in sorted(artists(ax).items()):
            if hasattr(artist, "get_text"):
                out.append((gid, artist.get_text(), artist.get_position()))
            elif hasattr(artist, "get_path"):
                out.append((gid, str(artist.get_facecolor()), artist.get_linewidth(),
                            artist.get_path().vertices.round(9).tolist()))
        return out

    net = skip_dag()
    made = ng.plot_network(net, values=None)
    figure, given = plt.subplots(figsize=made.figure.get_size_inches())
    assert ng.plot_network(net, ax=given) is given
    assert len(description(made)) == 5 + 5 + 7 + 7 + 3  # neurons, ids, edges, weights, biases
    assert description(given) == description(made)


def test_skip_edges_are_curves_with_their_weight_on_the_curve():
    net = skip_dag()
    found = artists(ng.plot_network(net))
    where = ng.network_layout(net)
    assert where[1][0] == where[2][0] == 0 and where[9][0] > where[4][0] > where[7][0] > 0
    for edge, skipping in [((1, 9), True), ((7, 4), False), ((2, 4), True)]:
        a, control, b = found[f"edge:{edge[0]},{edge[1]}"].get_path().vertices[:3]
        (u0, u1), (v0, v1) = b - a, control - a
        off_chord = abs(u0 * v1 - u1 * v0) > 1e-6
        assert off_chord == skipping, edge
        label = np.array(found[f"weight:{edge[0]},{edge[1]}"].get_position())
        t = np.linspace(0, 1, 20001)[:, None]
        curve = (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t ** 2 * b
        # the label sits on its curve (as drawn: matplotlib re-splits it for the arrowhead in
        # display coordinates, which moves its points by a few thousandths of a unit)
        assert np.min(np.hypot(*(curve - label).T)) < 0.01


def test_layout_puts_inputs_first_outputs_last_and_neuron_1_on_top():
    net = ng.Network.from_weights({(1, 4): 1, (2, 4): 1, (3, 5): 1, (4, 6): 1, (1, 6): 1})
    where = ng.network_layout(net)
    assert where[1][1] > where[2][1] > where[3][1]
    assert {where[j][0] for j in (1, 2, 3)} == {0.0}
    assert where[5][0] == where[6][0] > where[4][0]  # output 5 joins the last column


def test_bias_as_a_node_or_hidden():
    net = lecture_network()
    found = artists(ng.plot_network(net, bias="node"))
    assert "neuron:0" in found and found["edge:0,3"].get_linestyle() == "--"
    assert found["weight:0,5"].get_text() == "−1"
    hidden = artists(ng.plot_network(net, bias="hide"))
    assert not any(gid.startswith(("bias:", "edge:0,", "neuron:0")) for gid in hidden)


def test_values_under_the_neurons():
    net = lecture_network()
    with pytest.raises(ng.NetworkError, match="call forward"):
        ng.plot_network(net, values="a")
    net.forward([3, 4])
    net.backward([1])
    for values, symbol, j, value in [("a", "a", 5, "0.82"), ("in", "in", 5, "1.54"),
                                     ("delta", r"\Delta", 3, "-0.05")]:
        found = artists(ng.plot_network(net, values=values))
        assert found[f"value:{j}"].get_text() == f"${symbol}_{{{j}}}={value}$"
    assert "value:1" not in artists(ng.plot_network(net, values="delta"))


def test_large_networks_drop_the_labels_unless_asked():
    net = ng.Network.layered([64, 30, 10], seed=0)
    found = artists(ng.plot_network(net))
    assert not any(gid.startswith(("weight:", "bias:")) for gid in found)
    assert sum(gid.startswith("neuron:") for gid in found) == 104
    lines = found["edges"]
    assert len(lines.get_segments()) == 64 * 30 + 30 * 10
    assert not any(gid.startswith("id:") for gid in found)  # too small to read: columns named
    assert [found[f"column:{k}"].get_text() for k in range(3)] == ["1–64", "65–94", "95–104"]
    small = ng.Network.layered([4, 12, 6], seed=0)  # 120 edges: unlabelled unless asked
    assert not any(g.startswith("weight:") for g in artists(ng.plot_network(small)))
    labelled = artists(ng.plot_network(small, weights=True))
    assert sum(g.startswith("weight:") for g in labelled) == 4 * 12 + 12 * 6


def test_user_positions_override_the_layout():
    net = lecture_network()
    found = artists(ng.plot_network(net, pos={5: (10.0, -3.0)}))
    assert tuple(found["neuron:5"].center) == (10.0, -3.0)
    with pytest.raises(ng.NetworkError, match=r"pos names neurons \[9\]"):
        ng.plot_network(net, pos={9: (0, 0)})


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                           (".pdf", b"%PDF")])
def test_saved_files_are_real_images(tmp_path, suffix, magic):
    net = lecture_network()
    path = net.plot(tmp_path / f"net{suffix}", title="seed 001")
    assert path.read_bytes().startswith(magic)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_bad_picture_paths_leave_no_file(tmp_path):
    net = lecture_network()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=r"must end in \.png, \.svg, \.pdf"):
        net.plot(tmp_path / "net.jpg")
    with pytest.raises(ng.NetworkError, match="does not exist"):
        net.plot(tmp_path / "missing" / "net.png")
    assert list(tmp_path.iterdir()) == [] and snapshot(net) == before


def test_jupyter_png():
    assert lecture_network()._repr_png_().startswith(b"\x89PNG")


def test_importing_neurograph_does_not_import_matplotlib():
    code = "import sys, neurograph; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


# ---------------------------------------------------------------- training pictures


@pytest.fixture(scope="module")
def xor():
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 2, 1], seed=0)
    history = net.fit(X, Y, lr=2.0, epochs=1500, validation=(X, Y))
    return net, X, Y, history


def test_history_curve(xor):
    _, _, _, history = xor
    found = artists(ng.plot_history(history, log=True))
    assert list(found["loss"].get_ydata()) == history.loss
    assert list(found["val_loss"].get_xdata()) == list(range(1, 1501))
    assert found["loss"].axes.get_yscale() == "log"
    with pytest.raises(ng.NetworkError, match="at least one epoch"):
        ng.plot_history(ng.History())


def test_decision_boundary(xor):
    net, X, Y, _ = xor
    before = snapshot(net)
    ax = ng.plot_decision_boundary(net, X, Y, resolution=40)
    assert snapshot(net) == before  # drawn from a copy
    points = artists(ax)["examples"]
    np.testing.assert_array_equal(points.get_offsets(), X)
    assert len(ax.collections) > 2  # filled regions and the a = 0.5 line
    with pytest.raises(ng.NetworkError, match="plane of two inputs"):
        ng.plot_decision_boundary(ng.Network.layered([3, 1]), np.zeros((2, 3)), [0, 1])


def test_neuron_outputs_are_each_neurons_a_over_the_plane(xor):
    net, X, _, _ = xor
    axes = ng.plot_neuron_outputs(net, extent=(0, 1, 0, 1), resolution=5)
    assert set(axes) == {3, 4, 5}
    image = artists(axes[3])["a:3"].get_array()
    for (r, c), x in [((0, 0), [0, 0]), ((4, 4), [1, 1]), ((0, 4), [1, 0])]:
        net.forward(x)
        assert image[r, c] == net.neuron(3).a
    with pytest.raises(ng.NetworkError, match="processing neurons"):
        ng.plot_neuron_outputs(net, neurons=[1])


def test_deltas_by_depth():
    chain = {(j - 1, j): 1.0 for j in range(2, 7)}
    chain.update({(0, j): 0.1 for j in range(2, 7)})
    net = ng.Network.from_weights(chain)
    ax = ng.plot_deltas(net, [0.5], [0.0], label="logistic")
    line = artists(ax)["deltas:logistic"]
    twin = net.copy()
    twin.forward([0.5])
    twin.backward([0.0])
    assert list(line.get_xdata()) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(line.get_ydata(), [abs(twin.neuron(j).delta) for j in range(2, 7)],
                               rtol=1e-12)
    assert list(line.get_ydata()) == sorted(line.get_ydata())  # vanishing towards the inputs


# ---------------------------------------------------------------- every training record


def test_cascade_and_evolution_records_as_histories(tmp_path):
    grown = [{"hidden": 0, "loss": 0.7, "error": 0.5, "covariance": None},
             {"hidden": 1, "loss": 0.4, "error": 0.25, "covariance": 0.3},
             {"hidden": 2, "loss": 0.1, "error": 0.0, "covariance": 0.2}]
    history = ng.History.of(grown)
    assert history.step == "hidden neurons" and history.steps == [0, 1, 2]
    assert history.loss == [0.7, 0.4, 0.1] and history.accuracy == [0.5, 0.75, 1.0]
    path = history.to_csv(tmp_path / "grown.csv")
    assert path.read_text().splitlines() == ["hidden neurons,loss,accuracy", "0,0.7,0.5",
                                             "1,0.4,0.75", "2,0.1,1.0"]
    evolved = [{"generation": g, "best_fitness": -l, "mean_fitness": -2 * l, "loss": l,
                "error": e} for g, l, e in [(0, 0.5, 0.5), (1, 0.25, 0.0)]]
    history = ng.History.of(evolved)
    assert history.table() == {"generation": [0, 1], "val_loss": [0.5, 0.25],
                               "val_accuracy": [0.5, 1.0], "best_fitness": [-0.5, -0.25],
                               "mean_fitness": [-1.0, -0.5]}
    for bad in ([], [{"hidden": 0}], "history", [1, 2]):
        with pytest.raises(ng.NetworkError, match="training record"):
            ng.History.of(bad)
    with pytest.raises(ng.NetworkError, match=r"must end in \.csv"):
        history.to_csv(tmp_path / "grown.txt")


def test_a_fit_history_to_csv_reads_back(tmp_path, xor):
    _, _, _, history = xor
    rows = history.to_csv(tmp_path / "h.csv").read_text().splitlines()
    assert rows[0] == "epoch,loss,accuracy,val_loss,val_accuracy" and len(rows) == 1501
    table = np.loadtxt(tmp_path / "h.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(table[:, 1], history.loss)  # repr: every digit kept
    np.testing.assert_array_equal(table[:, 4], history.val_accuracy)


def test_runs_side_by_side_with_their_accuracy(xor):
    _, _, _, history = xor
    grown = [{"hidden": 0, "loss": 0.7, "error": 0.5}, {"hidden": 1, "loss": 0.1, "error": 0.0}]
    ax = ng.plot_history([history, grown], labels=["2-2-1, SGD", "cascade"])
    found = artists(ax)
    assert list(found["loss:0"].get_ydata()) == history.loss
    assert list(found["loss:1"].get_xdata()) == [0, 1]
    twin = next(a for a in ax.figure.axes if a.get_gid() == "accuracy-axis")
    accuracy = {line.get_gid(): line for line in twin.lines}
    assert list(accuracy["accuracy:1"].get_ydata()) == [0.5, 1.0]
    assert list(accuracy["val_accuracy:0"].get_ydata()) == history.val_accuracy
    assert ax.get_xlabel() == "epoch / hidden neurons"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "cascade: training" in legend and "2-2-1, SGD: validation accuracy" in legend
    with pytest.raises(ng.NetworkError, match="labels must be 2 names"):
        ng.plot_history([history, grown], labels=["one"])


def test_deltas_draw_exact_zeros_as_zeros():
    net = ng.Network.layered([2, 3, 1], activation="relu", seed=0)
    for i in (1, 2):
        net.w[i, 3] = -5.0  # neuron 3 dead for x = (1, 1): Δ_3 is exactly 0
    net.w[0, 3] = 0.0
    ax = ng.plot_deltas(net, [1.0, 1.0], [0.0], label="relu")
    twin = net.copy()
    twin.forward([1.0, 1.0])
    twin.backward([0.0])
    assert twin.neuron(3).delta == 0.0 and twin.neuron(4).delta != 0.0
    bottom, top = ax.get_ylim()
    assert ax.get_yscale() == "symlog" and bottom == 0.0
    smallest = min(abs(twin.neuron(j).delta) for j in (4, 5) if twin.neuron(j).delta)
    assert ax.yaxis.get_transform().linthresh <= smallest
    line = artists(ax)["deltas:relu"]
    # the column's line point: the geometric mean of its |Δ_j| that are not 0
    nonzero = [abs(twin.neuron(j).delta) for j in (3, 4, 5) if twin.neuron(j).delta]
    np.testing.assert_allclose(line.get_ydata()[0], np.exp(np.mean(np.log(nonzero))),
                               rtol=1e-12)
