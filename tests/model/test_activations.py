"""The activation table: g and g′ together, stable at ±1000, the same for floats and arrays."""

import math
import warnings

import numpy as np
import pytest

import neurograph as ng

NAMES = sorted(ng.ACTIVATIONS)
ELEMENTWISE = [name for name in NAMES if not ng.ACTIVATIONS[name].group]  # softmax is a group
POINTS = [-7.5, -2.0, -0.3, 0.4, 1.0, 3.2, 8.0]  # away from the kinks at 0


def test_the_table_has_the_lectures_activations():
    assert set(NAMES) == {"threshold", "logistic", "tanh", "relu", "leaky_relu", "softplus",
                          "identity", "softmax", "sin", "cos", "gaussian", "abs", "square"}
    assert ELEMENTWISE == [name for name in NAMES if name != "softmax"]
    assert ng.get_activation("sigmoid") is ng.ACTIVATIONS["logistic"]
    assert ng.get_activation("linear") is ng.ACTIVATIONS["identity"]
    for name, activation in ng.ACTIVATIONS.items():
        assert activation.name == name and activation.formula


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    activation = ng.get_activation(name)
    h = 1e-6
    for z in POINTS:
        numeric = (activation.g(z + h) - activation.g(z - h)) / (2 * h)
        assert activation.dg(z) == pytest.approx(numeric, rel=1e-7, abs=1e-9), z


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_floats_and_arrays_give_the_same_values(name):
    activation = ng.get_activation(name)
    z = np.array([-1000.0, -40.0, -1.0, 0.0, 1e-300, 0.5, 40.0, 1000.0])
    for f in (activation.g, activation.dg):
        vectorized = f(z)
        assert isinstance(vectorized, np.ndarray) and vectorized.shape == z.shape
        scalar = [f(float(v)) for v in z]
        assert all(type(v) is float for v in scalar)
        np.testing.assert_array_equal(vectorized, scalar)


@pytest.mark.parametrize("name", NAMES)
def test_stable_at_plus_minus_1000(name):
    activation = ng.get_activation(name)
    # exp(−1000) underflowing to 0 is the right answer; overflow, 0/0 and ∞/∞ are not.
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        values = [activation.g(z) for z in (-1000.0, 1000.0)]
        values += [activation.dg(z) for z in (-1000.0, 1000.0)]
        values += list(activation.g(np.array([-1000.0, 1000.0])))
        values += list(activation.dg(np.array([-1000.0, 1000.0])))
    assert all(math.isfinite(v) for v in values)


def test_exact_values_from_the_lectures():
    g = {name: ng.get_activation(name).g for name in NAMES}
    dg = {name: ng.get_activation(name).dg for name in NAMES}
    assert g["logistic"](0.0) == 0.5 and dg["logistic"](0.0) == 0.25
    assert g["logistic"](1000.0) == 1.0 and g["logistic"](-1000.0) == 0.0
    assert g["logistic"](-1.0) == pytest.approx(1 / (1 + math.e), rel=1e-15)
    # seed 001: σ(10) ≈ 0.99995 and σ(−10) ≈ 0.00005, to the five places the slide shows
    assert round(g["logistic"](10.0), 5) == 0.99995 and round(g["logistic"](-10.0), 5) == 0.00005
    assert g["threshold"](0.0) == 1.0 and g["threshold"](-1e-12) == 0.0
    assert g["relu"](-2.0) == 0.0 and g["relu"](2.5) == 2.5 and dg["relu"](0.0) == 0.0
    assert g["leaky_relu"](-2.0) == -0.02 and dg["leaky_relu"](0.0) == 0.01
    assert g["softplus"](0.0) == pytest.approx(math.log(2), rel=1e-15)
    assert g["softplus"](1000.0) == 1000.0 and dg["softplus"](0.0) == 0.5
    assert g["tanh"](0.5) == math.tanh(0.5) and dg["tanh"](0.0) == 1.0
    assert g["identity"](-3.25) == -3.25 and dg["identity"](7.0) == 1.0
    assert g["sin"](math.pi / 6) == pytest.approx(0.5, rel=1e-15) and dg["sin"](0.0) == 1.0
    assert g["sin"](np.array([0.0, math.pi / 2])).tolist() == [0.0, 1.0]


def test_a_user_made_activation_works_in_a_network():
    cube = ng.Activation("cube", g=lambda z: z ** 3, dg=lambda z: 3 * z ** 2)
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 2.0}, activation=cube)
    assert net.forward([1.0])[0] == 2.5 ** 3
    net.backward([0.0])
    assert net.neuron(2).delta == -2 * (0 - 2.5 ** 3) * 3 * 2.5 ** 2
    assert ng.gradcheck(net, [1.0], [0.0], eps=1e-6).max_relative_error < 1e-6


def test_a_wrong_derivative_is_caught_by_gradcheck():
    wrong = ng.Activation("wrong", g=lambda z: z ** 3, dg=lambda z: 2 * z ** 2)
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 2.0}, activation=wrong)
    assert ng.gradcheck(net, [1.0], [0.0]).max_relative_error > 0.3


@pytest.mark.parametrize("bad", [dict(name="", g=abs, dg=abs), dict(name="f", g=1, dg=abs),
                                 dict(name="f", g=abs, dg=None)])
def test_malformed_activation_is_refused(bad):
    with pytest.raises(ng.NetworkError, match="received"):
        ng.Activation(**bad)


def test_unknown_activation_name_lists_the_known_ones():
    with pytest.raises(ng.NetworkError, match=r"unknown activation 'sigmod'.*logistic.*sigmoid"):
        ng.get_activation("sigmod")
