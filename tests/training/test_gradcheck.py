"""ng.gradcheck: central differences against backprop, leaving every weight exactly as it was."""

import pytest

import neurograph as ng
from support import lecture_network


def test_gradcheck_agrees_on_the_lecture_network_for_every_loss():
    for loss in ("squared", "half_squared", "log"):
        result = ng.gradcheck(lecture_network(), [3, 4], [1], loss=loss)
        # Seed 004: with ε = 10⁻⁴ expect agreement to at least 4 significant digits.
        assert result.max_relative_error < 1e-4
        assert result.allclose(rtol=1e-6, atol=1e-9)
        assert set(result.analytic) == set(result.numeric) == set(lecture_network().w)


def test_gradcheck_restores_weights_bit_for_bit_and_leaves_a_consistent_state():
    net = ng.Network.layered([3, 5, 2], activation="tanh", seed=9)
    weights = dict(net.w)
    result = ng.gradcheck(net, [0.3, -0.2, 0.9], [0.0, 1.0], eps=1e-3)
    assert dict(net.w) == weights
    assert dict(net.grad) == result.analytic  # the neurons hold the pass at the original weights
    twin = ng.Network.layered([3, 5, 2], activation="tanh", seed=9)
    twin.forward([0.3, -0.2, 0.9])
    twin.backward([0.0, 1.0])
    assert [n.delta for n in twin.neurons[6:]] == [n.delta for n in net.neurons[6:]]


def test_errors_report_absolute_and_relative_differences():
    result = ng.GradCheckResult(analytic={(0, 1): 1.0, (0, 2): 0.0, (1, 2): -2.0},
                                numeric={(0, 1): 1.1, (0, 2): 0.0, (1, 2): -2.0})
    errors = result.errors()
    assert errors[0, 1] == (pytest.approx(0.1), pytest.approx(0.1 / 1.1))
    assert errors[0, 2] == (0.0, 0.0)
    assert result.max_absolute_error == pytest.approx(0.1)
    assert result.max_relative_error == pytest.approx(0.1 / 1.1)
    assert not result.allclose(rtol=1e-3)
    assert "edges=3" in repr(result)


def test_gradcheck_refuses_non_finite_losses():
    net = ng.Network.from_weights({(0, 2): 0.0, (1, 2): 1.0}, activation="identity")
    with pytest.raises(ng.NetworkError, match="not finite"):
        ng.gradcheck(net, [1e200], [0.0])


# ----------------------------------------------- a sample of θ, for networks too big to check whole


def test_n_checks_that_many_weights_drawn_at_random_the_same_for_the_same_seed():
    net = ng.Network.layered([3, 4, 2], seed=0)
    x, y = [0.2, -0.5, 1.0], [1.0, 0.0]
    whole = ng.gradcheck(net, x, y)
    some = ng.gradcheck(net, x, y, n=5, seed=3)
    assert len(some.numeric) == len(some.analytic) == 5
    assert set(some.numeric) < set(whole.numeric)
    assert all(some.numeric[k] == whole.numeric[k] and some.analytic[k] == whole.analytic[k]
               for k in some.numeric)
    assert ng.gradcheck(net, x, y, n=5, seed=3).numeric == some.numeric
    assert set(ng.gradcheck(net, x, y, n=5, seed=4).numeric) != set(some.numeric)
    assert ng.gradcheck(net, x, y, n=10_000).numeric == whole.numeric  # n above the count: all
    X, Y = [x, [0.0, 0.0, 0.5]], [y, [0.0, 1.0]]
    batch = ng.gradcheck(net, X, Y, n=7, seed=1, weight_decay=0.01)
    assert len(batch.numeric) == 7 and batch.max_relative_error < 1e-6
    assert set(batch.numeric) <= set(net.theta_edges())


def test_a_big_network_checks_a_sample_with_a_progress_bar_when_asked(capsys):
    net = ng.Network.layered([60, 60, 20], seed=0)  # 4,880 weights
    x, y = [0.1] * 60, [0.5] * 20
    result = ng.gradcheck(net, x, y, n=40, seed=0, progress=True)
    assert len(result.numeric) == 40 and result.max_relative_error < 1e-5
    assert "gradcheck" in capsys.readouterr().err  # tqdm's bar, on stderr
    ng.gradcheck(net, x, y, n=40, seed=0)  # not on a terminal: no bar by default
    assert "gradcheck" not in capsys.readouterr().err


@pytest.mark.parametrize("n", [0, -1, 2.5, "3", True, 10 ** 30])
def test_a_bad_n_is_refused(n):
    net = ng.Network.layered([2, 2, 1], seed=0)
    with pytest.raises(ng.NetworkError, match=r"n \(how many weights to check\)"):
        ng.gradcheck(net, [0.0, 1.0], [1.0], n=n)
