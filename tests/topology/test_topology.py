"""Growing, pruning and searching topologies: each operator's promise on random DAGs
(Hypothesis), cascade-correlation on the two spirals, and evolution alike for any n_jobs."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.topology.cascade import covariance
from neurograph.topology.operators import diagonal_hessian
from support import SMOOTH, dags, snapshot

slow = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
inputs_for = st.lists(st.lists(st.floats(-2, 2), min_size=3, max_size=3), min_size=3,
                      max_size=3)


def outputs_of(net, rows):
    return np.array([net.forward(x[:len(net.inputs)]).copy() for x in rows])


def saved_and_loaded_equal(net, tmp_path):
    path = net.save(tmp_path / "net.json")
    again = ng.load(path)
    assert again.to_document() == net.to_document()


def test_split_edge_keeps_the_function_with_an_identity_neuron(tmp_path_factory):
    @slow
    @given(net=dags(), rows=inputs_for, data=st.data())
    def check(net, rows, data):
        before = outputs_of(net, rows)
        edges = sorted(e for e in net.edges() if e[0] != 0)
        i, j = data.draw(st.sampled_from(edges))
        w_ij, count = net.w[i, j], len(net.w)
        new = net.split_edge(i, j)
        assert new == max(net.graph) and not net.has_edge(i, j)
        assert (net.w[i, new], net.w[new, j], net.w[0, new]) == (1.0, w_ij, 0.0)
        assert len(net.w) == count + 2 and net.neuron(new).activation.name == "identity"
        np.testing.assert_allclose(outputs_of(net, rows), before, rtol=0, atol=1e-12)
        saved_and_loaded_equal(net, tmp_path_factory.mktemp("split"))
    check()


def test_split_edge_with_another_activation_makes_a_valid_network():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.freeze(3, 5)
    new = net.split_edge(3, 5, activation="tanh")
    assert net.neuron(new).activation.name == "tanh" and (new, 5) in net.frozen
    assert net.forward([0.5, 0.5]).shape == (1,)


def constant_and_dead_ends(net, data):
    """Add a hidden neuron fed only by the bias (a constant) feeding some processing neurons,
    and a chain of two hidden neurons that reaches no output."""
    top = max(net.graph)
    constant, dead, deader = top + 1, top + 2, top + 3
    net.add_neuron(constant, activation=data.draw(st.sampled_from(SMOOTH)),
                   bias=data.draw(st.floats(-1, 1)))
    for k in data.draw(st.lists(st.sampled_from(net.hidden[:-1] + net.outputs), min_size=1,
                                max_size=3, unique=True)):
        if k != constant:
            net.connect(constant, k, data.draw(st.floats(-1, 1)))
    net.add_neuron(dead, activation="tanh")
    net.connect(net.inputs[0], dead, 0.7)
    net.add_neuron(deader, activation="logistic")
    net.connect(dead, deader, -0.4)
    net.connect(constant, dead, 0.3)
    return constant, dead, deader


def test_remove_dangling_keeps_the_function_and_leaves_no_dangling_neuron(tmp_path_factory):
    @slow
    @given(net=dags(hidden_activations=SMOOTH, output_activations=SMOOTH), rows=inputs_for,
           data=st.data())
    def check(net, rows, data):
        added = constant_and_dead_ends(net, data)
        before = outputs_of(net, rows)
        removed = net.remove_dangling()
        assert set(added) <= set(removed)
        np.testing.assert_allclose(outputs_of(net, rows), before, rtol=0, atol=1e-12)
        for j in net.hidden:  # every hidden neuron: on a path from an input to an output
            assert any(ng_path(net, i, j) for i in net.inputs)
            assert any(ng_path(net, j, k) for k in net.outputs)
        assert net.remove_dangling() == []
        saved_and_loaded_equal(net, tmp_path_factory.mktemp("dangling"))
    check()


def ng_path(net, i, j):
    import networkx as nx
    return nx.has_path(net.graph, i, j)


def test_simplify_folds_zero_weights_and_constants_into_the_biases(tmp_path_factory):
    @slow
    @given(net=dags(hidden_activations=SMOOTH, output_activations=SMOOTH), rows=inputs_for,
           data=st.data())
    def check(net, rows, data):
        constant_and_dead_ends(net, data)
        for edge in data.draw(st.lists(st.sampled_from(net.edges()), max_size=3, unique=True)):
            net.w[edge] = 0.0
        before = outputs_of(net, rows)
        result = net.simplify()
        np.testing.assert_allclose(outputs_of(net, rows), before, rtol=0, atol=1e-12)
        for i, j in net.edges():  # a zero weight stays only where an output hangs on it
            if i != 0 and net.w[i, j] == 0.0:
                net.disconnect(i, j)
                assert not all(any(ng_path(net, m, k) for m in net.inputs) for k in net.outputs)
                net.connect(i, j, 0.0)
        assert set(result) == {"edges", "neurons"}
        assert net.simplify() == {"edges": [], "neurons": []}
        saved_and_loaded_equal(net, tmp_path_factory.mktemp("simplify"))
    check()


def test_prune_by_magnitude_removes_the_smallest_share(tmp_path_factory):
    @slow
    @given(net=dags(), fraction=st.floats(0.05, 0.6))
    def check(net, fraction):
        candidates = [e for e in net.edges() if e[0] != 0]
        before = {e: net.w[e] for e in net.edges()}
        try:
            removed = net.prune(fraction=fraction)
        except ng.NetworkError as error:
            assert "no path from any input" in str(error)
            assert {e: net.w[e] for e in net.edges()} == before  # unchanged
            return
        assert len(removed) == round(fraction * len(candidates))
        kept = [abs(net.w[e]) for e in net.edges() if e[0] != 0]
        assert all(abs(w) <= min(kept, default=math.inf) for _, _, w in removed)
        assert all(not net.has_edge(i, j) and before[i, j] == w for i, j, w in removed)
        saved_and_loaded_equal(net, tmp_path_factory.mktemp("prune"))
    check()


def test_prune_by_threshold_and_the_picture_of_what_went():
    import matplotlib
    matplotlib.use("Agg")
    net = ng.Network.from_weights({(1, 3): 0.05, (2, 3): -2.0, (1, 4): 1.0, (4, 3): 0.5,
                                   (2, 4): -0.01, (0, 3): 0.001})
    removed = net.prune(threshold=0.1)
    assert removed == [(2, 4, -0.01), (1, 3, 0.05)] and net.has_edge(0, 3)
    ax = ng.plot_network(net, removed=removed)
    gids = {artist.get_gid() for artist in ax.lines}
    assert gids == {"removed:2,4", "removed:1,3"}
    assert "edge:2,4" not in {p.get_gid() for p in ax.patches}


def tree_dag(data):
    """A random linear network in which every processing neuron feeds at most one other."""
    n_inputs = data.draw(st.integers(1, 3))
    n_processing = data.draw(st.integers(1, 6))
    inputs = list(range(1, n_inputs + 1))
    processing = list(range(n_inputs + 1, n_inputs + n_processing + 1))
    edges, fed = {}, set()
    for t, j in enumerate(processing):
        free = [i for i in processing[:t] if i not in fed]
        sources = data.draw(st.lists(st.sampled_from(inputs + free), min_size=1, max_size=3,
                                     unique=True))
        fed |= set(sources) - set(inputs)
        for i in sources + [0]:
            edges[i, j] = data.draw(st.floats(-1.5, 1.5))
    return ng.Network.from_weights(edges, activation="identity", inputs=inputs)


def second_difference(net, edge, X, Y, loss, h=1e-3):
    def J(w):
        saved = net.w[edge]
        net.w[edge] = w
        a = net.predict(X)
        net.w[edge] = saved
        if loss == "log":
            return -np.mean(np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a), axis=1))
        return np.mean(np.sum((Y - a) ** 2, axis=1))
    w = net.w[edge]
    return (J(w + h) - 2 * J(w) + J(w - h)) / h ** 2


@slow
@given(data=st.data())
def test_the_obd_hessian_is_exact_where_the_network_is_linear(data):
    """For a linear network in which no neuron feeds two others, J is quadratic in each
    weight and the Gauss–Newton diagonal is the Hessian's: finite differences agree."""
    net = tree_dag(data)
    X = np.array(data.draw(st.lists(st.lists(st.floats(-1, 1), min_size=len(net.inputs),
                                             max_size=len(net.inputs)), min_size=2,
                                    max_size=4)))
    Y = np.array(data.draw(st.lists(st.lists(st.floats(-1, 1), min_size=len(net.outputs),
                                             max_size=len(net.outputs)),
                                    min_size=len(X), max_size=len(X))))
    h = diagonal_hessian(net, X, Y, "squared")
    for edge in net.edges():
        assert h[edge] == pytest.approx(second_difference(net, edge, X, Y, "squared"),
                                        rel=1e-5, abs=1e-6)


@slow
@given(net=dags(hidden_activations=SMOOTH, output_activations=("logistic",)),
       data=st.data())
def test_the_obd_hessian_of_edges_into_logistic_outputs_under_the_log_loss(net, data):
    """a(1 − a) a_i²: exact for an edge into an output that feeds no other neuron."""
    rows = data.draw(st.integers(1, 4))
    X = np.array([[data.draw(st.floats(-1, 1)) for _ in net.inputs] for _ in range(rows)])
    Y = np.array([[data.draw(st.floats(0, 1)) for _ in net.outputs] for _ in range(rows)])
    h = diagonal_hessian(net, X, Y, "log")
    for i, k in net.edges():
        if k in net.outputs and not net.successors(k):
            assert h[i, k] == pytest.approx(second_difference(net, (i, k), X, Y, "log"),
                                            rel=1e-4, abs=1e-7)


def test_prune_by_saliency_removes_what_the_examples_do_not_need():
    X, Y = ng.datasets.xor()
    net = ng.Network.layered([2, 4, 1], activation="tanh", seed=1)
    net.fit(X, Y, lr=0.5, epochs=300, batch_size=4)
    from neurograph.topology.operators import saliencies
    saliency = saliencies(net, X, Y)
    removed = net.prune(fraction=0.25, method="saliency", X=X, Y=Y)
    lowest = sorted((e for e in saliency if e[0] != 0), key=lambda e: (saliency[e], e))
    assert [(i, j) for i, j, _ in removed] == lowest[:len(removed)]


@pytest.mark.parametrize("kwargs, words", [
    ({"fraction": 0.0}, "strictly between 0 and 1"), ({"fraction": 1.0}, "strictly between"),
    ({"fraction": 1.5}, "strictly between"), ({"fraction": -0.1}, "strictly between"),
    ({"threshold": -1.0}, "threshold must be positive"), ({}, "one of fraction="),
    ({"fraction": 0.5, "threshold": 0.5}, "one of fraction="),
    ({"fraction": 0.5, "method": "random"}, "method must be"),
    ({"fraction": 0.5, "method": "saliency"}, "needs the examples"),
    ({"threshold": 100.0}, "no path from any input"),
])
def test_bad_pruning_is_refused_and_changes_nothing(kwargs, words):
    net = ng.Network.layered([2, 3, 1], seed=0)
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=words):
        net.prune(**kwargs)
    assert snapshot(net) == before


def test_bad_splits_are_refused_and_change_nothing():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.tie([(1, 3), (2, 4)])
    before = snapshot(net)
    for args, kwargs, words in [((1, 5), {}, "no edge"), ((1, 3), {}, "tied"),
                                ((3, 5), {"new_id": 4}, "exists already"),
                                ((3, 5), {"activation": "softmax"}, "softmax"),
                                ((3, 5), {"activation": "nope"}, "nope")]:
        with pytest.raises(ng.NetworkError, match=words):
            net.split_edge(*args, **kwargs)
        assert snapshot(net) == before


# ------------------------------------------------------------------ cascade-correlation


def test_covariance_is_fahlmans_s_computed_directly():
    rng = np.random.default_rng(0)
    V, E = rng.normal(size=7), rng.normal(size=(7, 3))
    direct = 0.0
    for o in range(3):
        total = 0.0
        for p in range(7):
            total += (V[p] - sum(V) / 7) * (E[p, o] - sum(E[:, o]) / 7)
        direct += abs(total)
    assert covariance(V, E) == pytest.approx(direct, rel=1e-12)


def test_cascade_correlation_solves_the_two_spirals(tmp_path):
    X, Y = ng.datasets.spirals()
    net, history = ng.cascade_correlation(X, Y, max_hidden=25, seed=0)
    assert ((net.predict(X) >= 0.5) == (Y >= 0.5)).all()  # 100% of the 194 training points
    assert len(net.hidden) <= 25 and history[-1]["error"] == 0.0
    assert [h["hidden"] for h in history] == list(range(len(net.hidden) + 1))
    # every recruit's input weights are frozen, and are still those it was installed with
    for entry in history[1:]:
        for (i, j), w in entry["weights"].items():
            assert (i, j) in net.frozen and net.w[i, j] == w
    # each hidden neuron sees the inputs and every earlier one: a tall non-layered DAG
    for t, j in enumerate(net.hidden):
        assert set(net.predecessors(j)) == {0, 1, 2, *net.hidden[:t]}
        assert set(net.successors(j)) == set(net.hidden[t + 1:]) | set(net.outputs)
    saved_and_loaded_equal(net, tmp_path)
    assert "Δ_" in str(net.explain(X[0], Y[0]))


def test_recruited_weights_never_change_while_later_neurons_train():
    X, Y = ng.datasets.parity(3)
    net, history = ng.cascade_correlation(X, Y, max_hidden=6, seed=1)
    for later, entry in enumerate(history[1:], start=2):
        for (i, j), w in entry["weights"].items():
            assert net.w[i, j] == w
            assert all((i, j) not in h["weights"] for h in history[later:])
    assert history[-1]["error"] == 0.0


def test_cascade_correlation_refuses_bad_input():
    X, Y = ng.datasets.xor()
    for kwargs, words in [({"max_hidden": -1}, "max_hidden"), ({"candidates": 0}, "candidates"),
                          ({"loss": "log", "output_activation": "tanh"}, "logistic outputs"),
                          ({"target_error": 1.5}, "target_error"),
                          ({"activation": "softmax"}, "softmax")]:
        with pytest.raises(ng.NetworkError, match=words):
            ng.cascade_correlation(X, Y, **kwargs)
    with pytest.raises(ng.NetworkError, match="rows"):
        ng.cascade_correlation(X, Y[:3])


# ------------------------------------------------------------------ evolution


def test_evolution_is_the_same_for_any_n_jobs():
    X, Y = ng.datasets.xor()
    one = ng.evolve(X, Y, population=16, generations=4, seed=3, n_jobs=1)
    two = ng.evolve(X, Y, population=16, generations=4, seed=3, n_jobs=2)
    assert one.history == two.history
    assert one.best.to_document() == two.best.to_document()


def test_evolution_on_a_dask_local_cluster_gives_the_same_result():
    from dask.distributed import Client, LocalCluster
    X, Y = ng.datasets.xor()
    alone = ng.evolve(X, Y, population=12, generations=3, seed=5)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        on_cluster = ng.evolve(X, Y, population=12, generations=3, seed=5, n_jobs=2,
                               backend="dask")
    assert on_cluster.history == alone.history


def test_evolution_solves_xor_and_its_networks_are_valid(tmp_path):
    X, Y = ng.datasets.xor()
    result = ng.evolve(X, Y, population=50, generations=30, seed=0, stop_error=0.0)
    assert result.solved_at is not None and result.solved_at < 30
    assert ((result.best.predict(X) >= 0.5) == (Y >= 0.5)).all()
    assert result.best.hidden  # XOR needs a hidden neuron
    fitness = [h["best_fitness"] for h in result.history]
    assert fitness == sorted(fitness)  # elitism: the best never gets worse
    for net in result.population:
        saved_and_loaded_equal(net, tmp_path)


def test_mutations_keep_networks_valid_and_within_the_budget():
    from neurograph.topology.evolution import mutate
    rng = np.random.default_rng(0)
    net = ng.Network.layered([3, 1], seed=0)
    for _ in range(300):
        mutate(net, rng, ("tanh", "relu", "logistic"), max_edges=20)
        assert len(net.w) <= 20
        assert all(any(ng_path(net, i, k) for i in net.inputs) for k in net.outputs)
    ng.Network.from_document(net.to_document())


@pytest.mark.parametrize("kwargs, words", [
    ({"n_jobs": 0}, "n_jobs"), ({"population": 1}, "population"),
    ({"generations": 0}, "generations"), ({"loss": "hinge"}, "loss"),
    ({"backend": "spark"}, "backend"), ({"tournament": 0}, "tournament"),
    ({"activations": ("nope",)}, "nope"),
])
def test_evolve_refuses_bad_input(kwargs, words):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.evolve(X, Y, **{"population": 4, "generations": 1, **kwargs})


# ------------------------------------------------------------------ datasets


def test_the_two_spirals_are_lang_and_witbrocks():
    X, Y = ng.datasets.spirals()
    assert X.shape == (194, 2) and Y.sum() == 97
    i = 96  # the innermost point of the first spiral
    angle, radius = i * math.pi / 16, 6.5 * (104 - i) / 104
    assert X[2 * i].tolist() == pytest.approx([radius * math.sin(angle),
                                                radius * math.cos(angle)])
    np.testing.assert_array_equal(X[1::2], -X[0::2])


def test_the_datasets_are_seeded():
    for make in (ng.datasets.moons, ng.datasets.circles, ng.datasets.gauss):
        a, b = make(seed=4), make(seed=4)
        np.testing.assert_array_equal(a[0], b[0])
        assert not np.array_equal(a[0], make(seed=5)[0])
        assert set(np.unique(a[1])) == {0.0, 1.0}
    X, Y = ng.datasets.parity(4)
    assert X.shape == (16, 4) and Y.ravel().tolist() == [bin(n).count("1") % 2 for n in range(16)]
    with pytest.raises(ng.NetworkError, match="noise"):
        ng.datasets.moons(noise=-1)
