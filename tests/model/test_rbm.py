"""The restricted Boltzmann machine (seed 000) against enumeration, finite differences and
scikit-learn."""

import itertools
import math

import numpy as np
import pytest

import neurograph as ng

RNG = np.random.default_rng(0)


def small_rbm(seed=1, scale=1.0):
    rbm = ng.RBM(4, 3, seed=seed)
    rbm.W[...] = np.random.default_rng(seed).normal(0, scale, (4, 3))
    rbm.b[...] = np.random.default_rng(seed + 1).normal(0, scale, 3)
    rbm.c[...] = np.random.default_rng(seed + 2).normal(0, scale, 4)
    return rbm


def all_states(n):
    return np.array(list(itertools.product((0.0, 1.0), repeat=n)))


def energy(rbm, v, h):
    return -(v @ rbm.c) - (h @ rbm.b) - v @ rbm.W @ h


def test_free_energy_and_likelihood_against_enumerating_every_state():
    rbm = small_rbm()
    V, H = all_states(4), all_states(3)
    for v in V:  # F(v) = −log Σ_h e^{−E(v, h)}
        assert rbm.free_energy([v])[0] == pytest.approx(
            -math.log(sum(math.exp(-energy(rbm, v, h)) for h in H)), rel=1e-12)
    Z = sum(math.exp(-energy(rbm, v, h)) for v in V for h in H)
    assert rbm.log_partition() == pytest.approx(math.log(Z), rel=1e-12)
    X = V[[1, 5, 5, 14]]
    assert rbm.log_likelihood(X) == pytest.approx(
        np.mean([math.log(sum(math.exp(-energy(rbm, v, h)) for h in H) / Z) for v in X]),
        rel=1e-12)
    wide = ng.RBM(3, 5, seed=0)  # the smaller layer is enumerated: here the visible one
    wide.W[...] = RNG.normal(size=(3, 5))
    Zw = sum(math.exp(-energy(wide, v, h)) for v in all_states(3) for h in all_states(5))
    assert wide.log_partition() == pytest.approx(math.log(Zw), rel=1e-12)


def test_the_exact_gradient_is_data_minus_model_expectation_and_matches_finite_differences():
    rbm = small_rbm(scale=0.7)
    X = (RNG.random((30, 4)) < 0.4) * 1.0
    dW, db, dc = rbm.exact_gradient(X)
    V, H = all_states(4), all_states(3)
    p = np.array([[math.exp(-energy(rbm, v, h)) for h in H] for v in V])
    p /= p.sum()
    model_vh = sum(p[a, b] * np.outer(V[a], H[b]) for a in range(len(V)) for b in range(len(H)))
    assert np.allclose(dW, X.T @ rbm.transform(X) / len(X) - model_vh, rtol=1e-10, atol=1e-12)
    eps = 1e-6
    for array, grad in ((rbm.W, dW), (rbm.b, db), (rbm.c, dc)):
        for index in np.ndindex(array.shape):
            array[index] += eps
            plus = rbm.log_likelihood(X)
            array[index] -= 2 * eps
            minus = rbm.log_likelihood(X)
            array[index] += eps
            assert grad[index] == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("persistent", [False, True])
def test_cd_training_raises_the_exact_likelihood_of_a_toy_distribution(persistent):
    prototypes = np.array([[1, 1, 0, 0, 1, 0], [0, 0, 1, 1, 0, 1]], dtype=float)
    X = prototypes[RNG.integers(0, 2, 200)]
    flips = RNG.random(X.shape) < 0.05
    X = np.where(flips, 1 - X, X)
    rbm = ng.RBM(6, 4, seed=0)
    before = rbm.log_likelihood(X)
    history = rbm.fit(X, lr=0.1, epochs=30, batch_size=10, k=1, persistent=persistent, seed=0)
    assert rbm.log_likelihood(X) > before + 1.0
    assert history.epochs == 30 and history.loss[-1] < history.loss[0]


def test_training_is_reproducible_with_a_seed():
    X = (RNG.random((40, 5)) < 0.5) * 1.0
    runs = []
    for _ in range(2):
        rbm = ng.RBM(5, 3, seed=4)
        rbm.fit(X, epochs=3, seed=7)
        runs.append((rbm.W.copy(), rbm.gibbs(X[:3], steps=5, seed=2)))
    assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])


def test_weights_are_edges_and_files_round_trip(tmp_path):
    rbm = ng.RBM(3, 2, seed=0)
    rbm.w[1, 4] = 0.5
    rbm.w[5, 2] = -0.25     # undirected: either order
    rbm.w[0, 5] = 1.5       # a hidden bias
    rbm.w[0, 3] = -1.0      # a visible bias
    assert (rbm.W[0, 0], rbm.W[1, 1], rbm.b[1], rbm.c[2]) == (0.5, -0.25, 1.5, -1.0)
    assert len(rbm.w) == 3 * 2 + 3 + 2 and rbm.graph.number_of_edges() == len(rbm.w)
    rbm.save(tmp_path / "rbm.json")
    back = ng.load(tmp_path / "rbm.json")
    assert isinstance(back, ng.RBM) and dict(back.w.items()) == dict(rbm.w.items())
    with pytest.raises(ng.UnknownEdgeError, match=r"the RBM has no edge \(1, 2\)"):
        rbm.w[1, 2] = 1.0
    (tmp_path / "bad.json").write_text('{"format": "neurograph", "version": 2, "kind": "rbm", '
                                       '"visible": [1], "hidden": [2], "edges": '
                                       '[{"from": 1, "to": 1, "weight": 1}]}')
    with pytest.raises(ng.NetworkError, match=r"bad.json: edges\[0\]: edge \(1, 1\) joins no"):
        ng.load(tmp_path / "bad.json")


def test_pseudo_likelihood_agrees_with_scikit_learn():
    from sklearn.neural_network import BernoulliRBM
    X = (RNG.random((50, 6)) < 0.5) * 1.0
    theirs = BernoulliRBM(n_components=4, n_iter=3, random_state=0).fit(X)
    rbm = ng.RBM(6, 4)
    rbm.W[...], rbm.b[...], rbm.c[...] = (theirs.components_.T, theirs.intercept_hidden_,
                                          theirs.intercept_visible_)
    assert np.allclose(rbm.transform(X), theirs.transform(X), rtol=1e-12)
    assert np.allclose(rbm.free_energy(X), theirs._free_energy(X), rtol=1e-12)
    exact = 0.0  # V · log σ(F(ṽ) − F(v)), averaged over every row and every bit flipped
    for i in range(6):
        flipped = X.copy()
        flipped[:, i] = 1 - flipped[:, i]
        exact += np.mean(6 * -np.logaddexp(0, -(rbm.free_energy(flipped) - rbm.free_energy(X))))
    exact /= 6
    ours = np.mean([rbm.pseudo_likelihood(X, seed=s) for s in range(300)])
    sklearns = np.mean([_with_state(theirs, s).score_samples(X).mean() for s in range(300)])
    assert ours == pytest.approx(exact, rel=0.02) and sklearns == pytest.approx(exact, rel=0.02)


def _with_state(fitted, seed):
    """scikit-learn's RBM with its random_state set (score_samples draws the flipped bits)."""
    fitted.random_state = seed
    return fitted


@pytest.mark.parametrize("act, says", [
    (lambda r: r.fit([[0.5, 2.0, 0.0]]), r"X must hold probabilities in \[0, 1\] for binary "
                                         r"neurons; row 0 is \[0.5, 2.0, 0.0\]"),
    (lambda r: r.log_likelihood([[0.5, 1.0, 0.0]]), r"X must be binary \(0 or 1\) here; row 0 "
                                                    r"is \[0.5, 1.0, 0.0\]"),
    (lambda r: ng.RBM(30, 25).log_likelihood(np.zeros((1, 30))), r"the exact likelihood "
                                                                 r"enumerates 2\^25 states"),
    (lambda r: r.fit(np.zeros((2, 3)), k=0), r"k \(Gibbs rounds\) must be"),
    (lambda r: r.gibbs(np.zeros((2, 4))), r"V must be 2-D, n examples × 3 values"),
    (lambda r: ng.RBM(0, 3), r"an RBM's number of visible or hidden neurons"),
])
def test_bad_input_is_refused(act, says):
    rbm = ng.RBM(3, 2, seed=0)
    before = rbm.W.copy()
    with pytest.raises(ng.NetworkError, match=says):
        act(rbm)
    assert np.array_equal(rbm.W, before)


def test_plot_filters_and_the_bipartite_picture(tmp_path):
    rbm = ng.RBM(4, 3, seed=0)
    image = ng.plot_filters(rbm, shape=(2, 2)).images[0].get_array()
    assert image.shape == (7, 7)  # 2 × 2 tiles of 2 × 2 pixels, each with a border
    assert rbm.plot(tmp_path / "rbm.png").read_bytes().startswith(b"\x89PNG")
