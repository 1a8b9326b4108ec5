"""NEAT's speciation (compatibility distance, species, fitness sharing) and evolve's
`species`, `refit` and `weight_decay` options."""

import numpy as np
import pytest

import neurograph as ng
from neurograph.topology.species import C_EDGES, C_WEIGHTS, distance, shared_fitness, speciate


def test_the_compatibility_distance_by_hand():
    a = {(0, 3): 0.5, (1, 3): -1.0, (2, 3): 2.0, (1, 4): 1.0}
    b = {(0, 3): 1.5, (1, 3): -1.0, (2, 5): 0.3}
    # unshared: (2, 3), (1, 4), (2, 5) = 3 of max(4, 3) = 4 edges;
    # shared (0, 3), (1, 3): |0.5 − 1.5| = 1, |−1 − (−1)| = 0, mean 0.5
    assert distance(a, b) == pytest.approx(C_EDGES * 3 / 4 + C_WEIGHTS * 0.5, rel=1e-15)
    assert distance(a, b) == distance(b, a)
    assert distance(a, a) == 0.0
    assert distance(a, {}) == C_EDGES * 4 / 4  # nothing shared: no weight term


def test_species_last_across_generations_and_die_out():
    near, far, farther = {(0, 3): 0.0}, {(0, 3): 0.0, (1, 3): 1.0}, {(2, 3): 1.0}
    kinds, reps = speciate([near, far, near], threshold=0.4)
    assert kinds == [0, 1, 0] and reps == [near, far]  # δ(near, far) = 1/2 > 0.4
    # the next generation: no network like `near` is left; `far`'s species is now number 0
    kinds, reps = speciate([farther, far], threshold=0.4, representatives=reps)
    assert kinds == [1, 0] and reps == [far, farther]
    assert speciate([near, far], threshold=0.6)[0] == [0, 0]


def test_fitness_sharing_by_hand():
    # the worst (−3) counts 0; species 0 has three members, species 1 one
    shared = shared_fitness([-1.0, -3.0, -1.5, -2.0], [0, 0, 1, 0])
    np.testing.assert_allclose(shared, [2.0 / 3, 0.0, 1.5, 1.0 / 3], rtol=1e-15)


def test_evolution_with_species_is_the_same_for_any_n_jobs_and_counts_them():
    X, Y = ng.datasets.xor()
    options = dict(population=10, generations=3, seed=3, species=0.5, refit=5,
                   weight_decay=1e-4)
    one = ng.evolve(X, Y, **options)
    two = ng.evolve(X, Y, n_jobs=2, **options)
    assert one.history == two.history
    assert one.best.to_document() == two.best.to_document()
    assert all(1 <= h["species"] <= 10 for h in one.history)
    assert "species" not in ng.evolve(X, Y, population=4, generations=2).history[0]


def test_evolution_with_species_and_refit_on_a_dask_cluster_gives_the_same_result():
    from dask.distributed import Client, LocalCluster
    X, Y = ng.datasets.xor()
    options = dict(population=8, generations=2, seed=6, species=0.3, refit=5, weight_decay=1e-3)
    alone = ng.evolve(X, Y, **options)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        on_cluster = ng.evolve(X, Y, n_jobs=2, backend="dask", **options)
    assert on_cluster.history == alone.history
    assert on_cluster.best.to_document() == alone.best.to_document()


def test_refit_trains_the_best_further_on_all_the_examples():
    X, Y = ng.datasets.spirals()
    X, Y = X[::4] * 0.7, Y[::4]  # 49 examples: a validation split is held out
    options = dict(population=4, generations=2, seed=1, epochs=20, lr=0.02, optimizer="adam",
                   loss="log", activations=("sin",), start_hidden=4)
    plain = ng.evolve(X, Y, **options)
    refitted = ng.evolve(X, Y, refit=100, **options)
    assert plain.history == refitted.history  # the search itself is the same
    assert plain.best.to_document() == plain.population[0].to_document()
    searched, best = refitted.population[0], refitted.best
    assert sorted(best.w) == sorted(searched.w) and best.w != searched.w
    before, after = (log_loss(net, X, Y) for net in (searched, best))
    assert after < before


def log_loss(net, X, Y):
    a = net.predict(X)
    return -np.mean(Y * np.log(a) + (1 - Y) * np.log(1 - a))


@pytest.mark.parametrize("options, words", [
    ({"refit": -1}, "refit"), ({"refit": 2.5}, "refit"), ({"refit": True}, "refit"),
    ({"weight_decay": -0.1}, "weight_decay"), ({"weight_decay": "a"}, "weight_decay"),
    ({"weight_decay": float("nan")}, "weight_decay"), ({"species": 0.0}, "species"),
    ({"species": -1.0}, "species"), ({"species": float("inf")}, "species"),
    ({"species": "near"}, "species"),
    ({"size_penalty": -1.0}, r"^size_penalty must be ≥ 0; received -1"),
    ({"size_penalty": "a"}, r"^size_penalty must be a real number; received 'a'$"),
    ({"early_stop": "learned", "halving": True}, r"use one of them; received "
                                                  r"early_stop='learned' with halving=True$"),
    ({"validation": 5}, r"^validation must be a pair \(X_val, Y_val\); received 5$"),
    ({"size_penalty": None}, r"^size_penalty must be a real number; received None$"),
])
def test_evolve_refuses_bad_refit_weight_decay_and_species(options, words):
    X, Y = ng.datasets.xor()
    with pytest.raises(ng.NetworkError, match=words):
        ng.evolve(X, Y, population=4, generations=1, **options)
