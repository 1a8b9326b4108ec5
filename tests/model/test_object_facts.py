"""Every fact about an activation, a loss or an aggregation lives on its object: checked
for every entry of ACTIVATIONS, LOSSES and AGGREGATIONS (a new entry is checked with no edit)."""

import re

import numpy as np
import pytest
import torch  # the test extra has it: the array forms must hold in torch too

import neurograph as ng
from neurograph.model.activations import ACTIVATIONS
from neurograph.model.aggregations import AGGREGATIONS
from neurograph.model.losses import LOSSES

Z = np.array([-30.0, -2.5, -1.0, -1e-3, 0.0, 1e-3, 0.7, 2.0, 30.0])
SINGLE = [g for g in ACTIVATIONS.values() if not g.group]


@pytest.mark.parametrize("g", SINGLE, ids=lambda g: g.name)
def test_the_array_form_is_g_and_g_prime_in_numpy(g):
    assert g.on_any_array
    a = g.g_xp(Z, np)
    np.testing.assert_allclose(a, g.g(Z), rtol=2e-16, atol=0)
    np.testing.assert_allclose(g.dg_xp(a, Z, np), g.dg(Z), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("g", SINGLE, ids=lambda g: g.name)
def test_the_array_form_is_g_and_g_prime_in_torch(g):
    z = torch.tensor(Z, dtype=torch.float64)
    a = g.g_xp(z, torch)
    assert a.dtype == torch.float64
    np.testing.assert_allclose(a.numpy(), g.g(Z), rtol=2e-16, atol=0)
    np.testing.assert_allclose(g.dg_xp(a, z, torch).numpy(), g.dg(Z), rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("g", ACTIVATIONS.values(), ids=lambda g: g.name)
def test_the_flags_agree_with_g(g):
    a = g.g(Z) if not g.group else g.g(Z.reshape(1, -1))[0]
    low, high = g.bounds
    assert ((a >= low) & (a <= high)).all()
    if g.strictly_inside:  # exactly inside in exact arithmetic: at moderate in_j, in floats too
        assert ((a[2:-2] > low) & (a[2:-2] < high)).all()
    if g.binary:
        assert set(np.unique(a)) <= {0.0, 1.0}
    if g.is_identity:
        assert (a == Z).all()


@pytest.mark.parametrize("loss", LOSSES.values(), ids=lambda loss: loss.name)
def test_the_quadratic_form_is_the_value(loss):
    y, a = np.array([0.0, 1.0, 0.3]), np.array([0.2, 0.6, 0.9])
    g = ACTIVATIONS["identity"]
    if loss.quadratic:
        np.testing.assert_allclose(loss.value(y, a, a, g), loss.quadratic * (y - a) ** 2,
                                   rtol=1e-15)


def _evaluate(form, a, y):
    """An error_form's tokens as Python: "a", "y", numbers, operators (juxtaposition: ·)."""
    text, previous = "", None
    for token in form:
        piece = {"a": repr(a), "y": repr(y)}.get(token, repr(token) if isinstance(
            token, (int, float)) else {"−": "-", "·": "*"}.get(token, token))
        if token == "(" and previous is not None and previous not in ("(", "−", "/", "·", "+"):
            text += "*"
        text += piece
        previous = token
    return eval(text)


@pytest.mark.parametrize("loss", LOSSES.values(), ids=lambda loss: loss.name)
def test_the_explain_form_is_dl_da_by_finite_differences(loss):
    g, h = ACTIVATIONS["tanh"], 1e-6
    for y, a in [(1.0, 0.3), (0.0, 0.8), (1.0, 0.55)]:
        slope = (loss.value(y, a + h, 0.0, g) - loss.value(y, a - h, 0.0, g)) / (2 * h)
        if loss.error is not None:
            assert loss.error(y, a) == pytest.approx(slope, rel=1e-6)
        if loss.error_form:
            assert _evaluate(loss.error_form, a, y) == pytest.approx(slope, rel=1e-6)
        if loss.quadratic:  # Δ = −2c (y − a) g′: the error step's factor
            assert -2.0 * loss.quadratic * (y - a) == pytest.approx(slope, rel=1e-6)


@pytest.mark.parametrize("loss", LOSSES.values(), ids=lambda loss: loss.name)
@pytest.mark.parametrize("g", SINGLE, ids=lambda g: g.name)
def test_the_curvature_is_the_slope_of_delta_where_it_is_exact(loss, g):
    """∂²ℓ/∂in² = ∂Δ/∂in: exact for a quadratic loss of a linear output and for an exact
    pairing; None where the loss does not know it."""
    in_, y, h = 0.4, 1.0, 1e-6
    value = loss.curvature(g.g(in_), in_, g)
    if value is None:
        assert not loss.quadratic and not loss.exact(g)
        return
    if loss.exact(g) or g.is_identity:
        slope = (loss.delta(y, g.g(in_ + h), in_ + h, g)
                 - loss.delta(y, g.g(in_ - h), in_ - h, g)) / (2 * h)
        assert value == pytest.approx(slope, rel=1e-6)


@pytest.mark.parametrize("loss", LOSSES.values(), ids=lambda loss: loss.name)
def test_the_array_value_is_the_value(loss):
    y = np.array([[0.0, 1.0], [1.0, 0.0], [0.3, 0.7]])
    in_ = np.array([[-1.0, 2.0], [0.5, -0.2], [3.0, 0.1]])
    g = ACTIVATIONS["logistic"]
    a = g.g(in_)
    for xp, wrap in ((np, np.asarray), (torch, torch.tensor)):
        ell = loss.array_value(wrap(y), wrap(a), wrap(in_), g, xp, lambda f, z: f.g_xp(z, xp))
        np.testing.assert_allclose(np.asarray(ell), loss.value(y, a, in_, g), rtol=1e-14)


@pytest.mark.parametrize("name", AGGREGATIONS)
def test_an_aggregation_is_an_object_equal_to_its_name(name):
    aggregation = AGGREGATIONS[name]
    assert aggregation == name and name == aggregation and str(aggregation) == name
    assert hash(aggregation) == hash(name) and aggregation != "nope"
    assert ng.Network.from_weights({(1, 2): 1.0}, aggregations={2: name}).neuron(2).aggregation \
        is aggregation
    assert aggregation.is_sum == (aggregation.slopes([3.0, 5.0]) == [1.0, 1.0]
                                  and aggregation.combine([3.0, 5.0]) == 8.0)
    assert aggregation.combine([]) == aggregation.empty == aggregation.combine_rows(
        np.zeros((1, 0)))[0]


@pytest.mark.parametrize("name", AGGREGATIONS)
def test_the_list_rows_and_columns_forms_agree(name):
    aggregation = AGGREGATIONS[name]
    rng = np.random.default_rng(0)
    T = rng.normal(size=(6, 4))
    T[0, 1] = T[0, 3] = T[0].max() + 1.0  # a tie: the first maximum counts
    rows = [aggregation.combine(list(t)) for t in T]
    assert aggregation.combine_rows(T).tolist() == rows
    assert aggregation.combine_columns(T, np)[:, 0].tolist() == rows
    assert aggregation.slopes_rows(T).tolist() == [aggregation.slopes(list(t)) for t in T]
    X = torch.tensor(T, requires_grad=True)
    combined = aggregation.combine_columns(X, torch)
    assert combined[:, 0].tolist() == rows
    combined.sum().backward()
    np.testing.assert_allclose(X.grad.numpy(), aggregation.slopes_rows(T), rtol=1e-15)


def test_the_command_line_and_the_search_read_the_tables():
    from neurograph import cli
    from neurograph.topology import cascade, evolution
    from neurograph.training.optimizers import OPTIMIZERS
    assert set(cli.LOSS_NAMES) == set(LOSSES)
    assert set(cli.ACTIVATION_NAMES) | set(cli.GROUP_NAMES) == set(ACTIVATIONS) | set(
        ng.model.activations.ALIASES)
    assert set(evolution.STEP_OPTIMIZERS) < set(OPTIMIZERS)
    logistic = ACTIVATIONS["logistic"]
    assert set(evolution.scored_losses(logistic)) == set(cascade.trained_losses(logistic)) \
        == {name for name, loss in LOSSES.items() if loss.quadratic or loss.exact(logistic)}
    assert "threshold" not in cascade.output_activations()


def test_no_module_branches_on_a_name_outside_its_own():
    """No `g.name == "logistic"`, `loss.name in (…)`, `aggregation == "max"` … outside the
    modules that define activations, losses and aggregations (the lead's files excepted
    until they move to the objects' attributes)."""
    import pathlib
    pattern = re.compile(r'\.name ?(==|!=|in |not in )|exact_for ?==|aggregation ?(==|!=)'
                         r'|== ?"(sum|max|product)"')
    root = pathlib.Path(ng.__file__).parent
    mine = ["cli.py", "checks.py", "engines/tensor.py", "training/perceptron.py", "topology",
            "teaching", "drawing"]
    found = []
    for part in mine:
        for path in ([root / part] if part.endswith(".py") else sorted((root / part).glob("*.py"))):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line) and "step.name" not in line:
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("g", SINGLE, ids=lambda g: g.name)
def test_the_kinks_are_where_g_prime_jumps_and_nowhere_else(g):
    h = 1e-6
    for z in (*g.kinks, -1.3, 0.0, 0.8):
        left = (g.g(z) - g.g(z - h)) / h
        right = (g.g(z + h) - g.g(z)) / h
        if z in g.kinks:  # a corner or a step: the one-sided slopes differ
            assert abs(left - right) > 1e-3
        else:  # smooth there: both sides agree with g′
            assert left == pytest.approx(g.dg(z), abs=1e-5)
            assert right == pytest.approx(g.dg(z), abs=1e-5)
