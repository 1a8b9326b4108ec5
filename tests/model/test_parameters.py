"""One θ: every trainable number of a network lives in one float64 array that the network owns.

An edge (a tied group: one), γ_j and β_j each hold a slot; `net.w[i, j]`, `theta()`,
`set_theta()`, files and copies all read and write those slots.
"""

import copy

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import rich_dags, snapshot


def test_theta_is_the_first_slice_of_the_networks_array():
    net = ng.Network.layered([2, 3, 1], seed=0)
    theta = net.theta()
    packed = net.parameters.array()
    assert packed.dtype == np.float64 and packed.flags["C_CONTIGUOUS"]
    assert np.array_equal(packed[:len(theta)], theta)
    assert theta.base is None  # theta() is a copy: changing it changes nothing
    theta[0] = 99.0
    assert net.theta()[0] != 99.0


def test_an_edge_reads_and_writes_its_slot_in_place():
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0})
    net.theta()
    before = net.parameters.values
    net.w[1, 2] = 3.0
    assert net.parameters.values is before  # written in place, not copied
    assert net.theta().tolist() == [0.5, 3.0]
    net.parameters.array()[0] = -2.0  # and the array is what the edge reads
    assert net.w[0, 2] == -2.0 and type(net.w[0, 2]) is float


def test_set_theta_writes_the_array_in_place():
    net = ng.Network.layered([2, 2, 1], seed=1)
    net.theta()  # the first plan packs θ (a new array, in theta_edges order)
    values = net.parameters.values
    net.set_theta(np.arange(9.0))
    assert net.parameters.values is values
    assert net.parameters.array()[:9].tolist() == list(np.arange(9.0))
    assert [net.w[key] for key in net.theta_edges()] == list(np.arange(9.0))


def test_a_tied_group_is_one_slot():
    net = ng.Network.from_weights({(1, 3): 0.5, (2, 3): -1.0, (0, 3): 0.1},
                                  activation="identity")
    net.tie([(1, 3), (2, 3)])
    assert net.theta_edges() == [(0, 3), (1, 3)]
    assert net.parameters.size == 2  # the group's second edge has no slot of its own
    net.set_theta([0.1, 4.0])
    assert net.w[1, 3] == net.w[2, 3] == 4.0


def test_batch_norm_parameters_follow_the_weights_and_frozen_weights_come_last():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.add_batch_norm(3, gamma=2.0, beta=0.5)
    net.freeze(1, 4)
    frozen = net.w[1, 4]
    edges = net.theta_edges()
    assert edges[-2:] == [("gamma", 3), ("beta", 3)] and (1, 4) not in edges
    packed = net.parameters.array()
    assert packed[len(edges) - 2:len(edges)].tolist() == [2.0, 0.5]
    assert packed[len(edges):].tolist() == [frozen]
    net.neuron(3).gamma = 3.0  # γ_j is its slot
    assert net.parameters.array()[len(edges) - 2] == 3.0 and net.theta()[-2] == 3.0


def test_removed_edges_leave_no_slot_behind():
    net = ng.Network.layered([3, 4, 1], seed=0)
    for key in [(1, 4), (2, 5), (3, 6), (0, 7)]:
        net.disconnect(*key)
    net.plan()
    assert net.parameters.size == len(net.edges()) == len(net.theta())


def test_copies_and_pickles_keep_their_own_theta():
    net = ng.Network.layered([2, 2, 1], seed=3)
    for twin in (net.copy(), copy.deepcopy(net)):
        assert twin.to_document() == net.to_document()
        twin.w[0, 3] = 42.0
        assert net.w[0, 3] != 42.0
        assert twin.parameters is not net.parameters


def test_building_grows_theta_in_amortized_constant_time():
    net = ng.Network()
    net.add_neuron(1, kind="input")
    net.add_neuron(2, kind="output", bias=False)
    for j in range(3, 203):
        net.add_neuron(j, bias=0.5)
        net.connect(1, j, 0.25)
        net.connect(j, 2, 1.0)
    assert net.parameters.size == 600 and len(net.parameters.values) <= 2 * 600
    assert net.plan().size == 600


@settings(max_examples=60, deadline=None)
@given(rich_dags(), st.integers(0, 2**32 - 1))
def test_theta_matches_the_edges_through_any_edit(net, seed):
    rng = np.random.default_rng(seed)
    net.plan()
    theta = rng.normal(size=len(net.theta()))
    net.set_theta(theta)
    assert np.array_equal(net.theta(), theta)
    for k, key in enumerate(net.theta_edges()):
        if isinstance(key[0], int):
            assert net.w[key] == theta[k]
        else:
            assert getattr(net.neuron(key[1]), key[0]) == theta[k]
    before = snapshot(net)
    reloaded = ng.Network.from_document(net.to_document())
    assert reloaded.to_document() == net.to_document()
    assert np.array_equal(reloaded.theta(), net.theta())
    assert snapshot(net) == before
