"""Tied weights (seed 003: convolution ties weights): one value, the gradient summed."""

import numpy as np
import pytest

import neurograph as ng
from support import snapshot

WEIGHTS = {(0, 4): 0.1, (1, 4): 0.5, (2, 4): -0.3, (2, 5): 0.8, (3, 5): -0.6, (0, 5): 0.2,
           (4, 6): 1.0, (5, 6): -1.0, (0, 6): 0.0}


def tied_net():
    net = ng.Network.from_weights(WEIGHTS)
    net.tie([(2, 5), (1, 4)])   # a 2-wide filter slid one step: w_1,4 = w_2,5 …
    net.tie([(2, 4), (3, 5)])   # … and w_2,4 = w_3,5
    return net


def test_a_tie_shares_one_weight_taken_from_its_first_edge():
    net = tied_net()
    assert net.ties == [[(1, 4), (2, 5)], [(2, 4), (3, 5)]]
    assert net.w[2, 5] == 0.5 and net.w[3, 5] == -0.3
    net.w[2, 5] = 0.7
    assert net.w[1, 4] == 0.7
    assert net.theta_edges() == [(0, 4), (0, 5), (0, 6), (1, 4), (2, 4), (4, 6), (5, 6)]


def test_the_gradient_is_the_sum_over_the_group():
    net, free = tied_net(), ng.Network.from_weights(WEIGHTS)
    for key in free.w:
        free.w[key] = net.w[key]  # the same values, untied
    X, Y = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]), np.array([[1.0], [0.0]])
    _, grad = net.cost_and_grad(net.theta(), X, Y)
    _, separate = free.cost_and_grad(free.theta(), X, Y)
    by_edge = dict(zip(free.theta_edges(), separate))
    tied = dict(zip(net.theta_edges(), grad))
    assert tied[1, 4] == pytest.approx(by_edge[1, 4] + by_edge[2, 5], rel=1e-12)
    assert tied[2, 4] == pytest.approx(by_edge[2, 4] + by_edge[3, 5], rel=1e-12)
    assert tied[4, 6] == pytest.approx(by_edge[4, 6], rel=1e-12)
    assert ng.gradcheck(net, X[0], Y[0]).max_relative_error < 1e-6


def test_an_sgd_step_moves_the_shared_weight_once_by_the_summed_gradient():
    net = tied_net()
    x, y = [0.5, -1.0, 2.0], [1.0]
    net.forward(x)
    net.backward(y)
    summed = net.grad[1, 4] + net.grad[2, 5]
    w = net.w[1, 4]
    net.sgd_step(x, y, lr=0.5)
    assert net.w[1, 4] == net.w[2, 5] == w - 0.5 * summed


def test_training_keeps_the_group_equal_in_both_engines():
    X, Y = np.random.default_rng(0).normal(size=(8, 3)), np.random.default_rng(1).random((8, 1))
    trained = []
    for engine in ("reference", "vectorized"):
        net = tied_net()
        net.fit(X, Y, lr=0.5, epochs=5, batch_size=4, engine=engine)
        assert net.w[1, 4] == net.w[2, 5] and net.w[2, 4] == net.w[3, 5]
        trained.append(net.theta())
    assert np.allclose(trained[0], trained[1], rtol=1e-12, atol=1e-15)


def test_freezing_a_tied_edge_freezes_its_group_and_untie_separates():
    net = tied_net()
    net.freeze(2, 5)
    assert {(1, 4), (2, 5)} <= set(net.frozen)
    net.unfreeze(1, 4)
    net.untie((2, 5))
    assert net.ties == [[(2, 4), (3, 5)]]
    net.w[2, 5] = 3.0
    assert net.w[1, 4] == 0.5


def test_removing_an_edge_or_neuron_leaves_the_rest_of_the_group():
    net = ng.Network.from_weights(WEIGHTS)
    net.tie([(1, 4), (2, 4), (2, 5)])
    net.disconnect(2, 4)
    assert net.ties == [[(1, 4), (2, 5)]]
    net.remove_neuron(5)
    assert net.ties == []
    net.w[1, 4] = 9.0
    assert net.theta_edges().count((1, 4)) == 1


def test_ties_round_trip_through_every_format(tmp_path):
    net = tied_net()
    for name in ("net.json", "net.txt"):
        net.save(tmp_path / name)
        back = ng.load(tmp_path / name)
        assert back.ties == net.ties and snapshot(back) == snapshot(net)
        back.w[1, 4] = -2.0
        assert back.w[2, 5] == -2.0
    assert ng.Network.from_networkx(net.to_networkx()).ties == net.ties
    assert net.copy().ties == net.ties


def test_a_file_from_before_ties_still_loads(tmp_path):
    path = tmp_path / "old.json"
    path.write_text('{"format": "neurograph", "version": 1, "neurons": [{"id": 0, "kind": '
                    '"bias"}, {"id": 1, "kind": "input"}, {"id": 2, "kind": "output", '
                    '"activation": "logistic"}], "inputs": [1], "outputs": [2], "edges": '
                    '[{"from": 1, "to": 2, "weight": 0.5}]}', encoding="utf-8")
    net = ng.load(path)
    assert net.ties == [] and net.w[1, 2] == 0.5 and net.neuron(2).aggregation == "sum"
    assert net.to_document()["version"] == 1  # nothing new in it: still readable by 0.2


@pytest.mark.parametrize("edges, says", [
    ([(1, 4), (9, 5)], r"edge \(9, 5\) does not exist, so it cannot be tied"),
    ([(1, 4)], r"a tie needs at least two edges; received 1"),
    ([(1, 4), (1, 4)], r"edge \(1, 4\) is listed twice"),
    ([(1, 4), (4, 6)], r"edge \(1, 4\) is tied already; untie it first"),
    ([(0, 4), (4, 6)], None),  # frozen and free: set up below
    ("14", r"tie takes a list of edges"),
    ([(1, "4"), (2, 5)], r"j in each tied edge"),
])
def test_bad_ties_are_refused_and_change_nothing(edges, says):
    net = tied_net()
    if says is None:
        net.freeze(0, 4)
        says = r"mix frozen and free edges"
    before = snapshot(net), net.ties
    with pytest.raises(ng.NetworkError, match=says):
        net.tie(edges)
    assert (snapshot(net), net.ties) == before


def test_a_file_with_unequal_tied_weights_is_refused(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text("tie 1 3 2 3\n1 3 0.5\n2 3 0.25\n", encoding="utf-8")
    with pytest.raises(ng.NetworkError, match=r"net.txt: ties\[0\]: tied edges share one weight"):
        ng.load(path)
