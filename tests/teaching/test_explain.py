"""explain: the hand-worked steps in lecture notation — the slides' numbers, exact or carried,
the engine's numbers to the last bit, every format, and never a change to the network."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib import mathtext

import neurograph as ng
from support import dags_with_example, lecture_network, snapshot


def lines(explanation):
    return [step.text(explanation.digits) for step in explanation.steps]


def sgd_neuron():
    return ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})


# ------------------------------------------------------------ the slides' examples


def test_forward_example_with_the_slides_rounding():
    shown = lines(lecture_network().explain([3, 4], digits=2, carry_rounded=True))
    assert shown == [
        "a_0 = 1", "a_1 = x_1 = 3", "a_2 = x_2 = 4",
        "in_3 = w_0,3·a_0 + w_1,3·a_1 + w_2,3·a_2 = 5·1 + 1·3 + (−2)·4 = 0",
        "a_3 = g(in_3) = σ(0) = 0.5",
        "in_4 = w_0,4·a_0 + w_1,4·a_1 + w_2,4·a_2 = 3·1 + (−4)·3 + 2·4 = −1",
        "a_4 = g(in_4) = σ(−1) = 0.27",
        # the slide carries a_4 = 0.27: −1·1 + 4·0.5 + 2·0.27 = 1.54, and a_5 ≈ 0.82
        "in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.27 = 1.54",
        "a_5 = g(in_5) = σ(1.54) = 0.82",
    ]


def test_forward_example_exact():
    explanation = lecture_network().explain([3, 4])
    assert explanation.values["in_5"] == pytest.approx(1.5378828427399903, rel=1e-15)
    assert "in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.2689 = 1.5379" \
        in lines(explanation)


def test_sgd_iteration_carried_as_on_the_slide():
    explanation = sgd_neuron().explain([0.4, 0.5], y=[1], lr=0.5, carry_rounded=True)
    values, shown = explanation.values, lines(explanation)
    assert "y − a_3 = 1 − 0.5474 = 0.4526" in shown
    assert "g′(in_3) = g(in_3)(1 − g(in_3)) = 0.5474·(1 − 0.5474) = 0.2478" in shown
    assert (values["w_0,3"], values["w_1,3"], values["w_2,3"]) == (0.2122, 0.1449, 0.1561)
    assert "w_0,3 ← w_0,3 − α·∂J/∂w_0,3 = 0.1 − 0.5·(−0.2243) = 0.2122" in shown


def test_sgd_iteration_exact_differs_from_the_slide_in_one_digit():
    explanation = sgd_neuron().explain([0.4, 0.5], y=[1], lr=0.5)
    assert round(explanation.values["w_0,3"], 4) == 0.2121
    assert "w_0,3 ← w_0,3 − α·∂J/∂w_0,3 = 0.1 − 0.5·(−0.2243) = 0.2121" in lines(explanation)


def test_seven_neuron_deltas_are_written_as_on_the_slides():
    net = ng.Network.layered([2, 2, 2, 1], seed=7)
    shown = lines(net.explain([0.7, -1.3], y=[1]))
    starts = ["Δ_7 = −2(y − a_7)g′(in_7) = −2·", "Δ_5 = g′(in_5)·(w_5,7·Δ_7) = ",
              "Δ_6 = g′(in_6)·(w_6,7·Δ_7) = ", "Δ_3 = g′(in_3)·(w_3,5·Δ_5 + w_3,6·Δ_6) = ",
              "∂J/∂w_5,7 = Δ_7·a_5 = ", "∂J/∂w_1,3 = Δ_3·a_1 = "]
    for start in starts:
        assert any(line.startswith(start) for line in shown), start
    order = [line.split(" = ")[0] for line in shown if line.startswith("Δ_")]
    assert order == ["Δ_7", "Δ_6", "Δ_5", "Δ_4", "Δ_3"]  # reverse topological order


# --------------------------------------------------------- the engine's own numbers


@settings(max_examples=150, deadline=None)
@given(dags_with_example(output_activations=["logistic"]),
       st.sampled_from(["squared", "half_squared", "log"]), st.sampled_from([0.0, 0.01]))
def test_exact_explanation_is_the_engine_to_the_last_bit(case, loss, weight_decay):
    net, x, y = case
    before = snapshot(net)
    explanation = net.explain(x, y, lr=0.3, loss=loss, weight_decay=weight_decay)
    assert snapshot(net) == before  # explaining never changes the network
    values = explanation.values
    twin = net.copy()
    twin.forward(x)
    ell = twin.backward(y, loss=loss)
    for n in twin.neurons:
        if n.is_processing:
            assert values[f"in_{n.id}"] == n.in_ and values[f"a_{n.id}"] == n.a
            assert values[f"Δ_{n.id}"] == n.delta
    assert values["ℓ"] == ell
    for (i, j), grad in twin.grad.items():
        assert values[f"dJ/dw_{i},{j}"] == grad
    twin.sgd_step(x, y, lr=0.3, loss=loss, weight_decay=weight_decay)
    for (i, j), w_ij in twin.w.items():
        assert values[f"w_{i},{j}"] == w_ij


# ---------------------------------------------------------------------- formats


def renders(latex):
    mathtext.math_to_image(latex, io.BytesIO(), format="png")
    return True


def all_kinds_explanation():
    """An explanation touching every kind of line: all activations, a frozen edge, decay."""
    cube = ng.Activation("cube", g=lambda z: z ** 3, dg=lambda z: 3 * z ** 2)
    net = ng.Network.from_weights(
        {(0, 3): 0.1, (1, 3): 0.5, (2, 4): -0.4, (1, 5): 0.3, (2, 6): 0.2, (1, 7): -0.1,
         (2, 8): 0.6, (1, 9): 0.2, (3, 10): 0.5, (4, 10): -0.3, (5, 10): 0.2, (6, 10): 0.1,
         (7, 10): 0.4, (8, 10): -0.2, (9, 10): 0.3, (0, 10): 0.05},
        activations={3: "tanh", 4: "relu", 5: "leaky_relu", 6: "softplus", 7: "identity",
                     8: "threshold", 9: cube})
    net.freeze(2, 4)
    return net.explain([0.8, -0.6], y=[1], lr=0.5, weight_decay=0.01)


def test_every_latex_line_renders_with_mathtext():
    explanation = all_kinds_explanation()
    body = [line for line in explanation.to_latex().splitlines() if not line.startswith("%")]
    assert len(body) == len(explanation.steps)
    for line in body:
        assert line.endswith("\\\\")
        assert renders(line[:-2]), line
    for loss in ("half_squared", "log"):
        for step in lecture_network().explain([3, 4], [1], lr=0.1, loss=loss).steps:
            assert renders(f"${step.latex(4)}$")


def test_text_markdown_and_jupyter_forms():
    explanation = all_kinds_explanation()
    text = str(explanation)
    assert text.startswith("Hand-worked steps (exact values, shown to 4 decimal places)")
    for heading in ("Forward propagation, x = (0.8, −0.6)", "Backpropagation, y = (1), squared",
                    "Partial derivatives ∂J/∂w_ij = Δ_j a_i", "Weight updates, α = 0.5, λ = 0.01"):
        assert heading in text
    assert "w_2,4 = −0.4 (frozen: not updated)" in text
    assert "− 2αλ·w_1,3" in text
    assert "a_8 = g(in_8) = g(" in text and "a_9 = g(in_9) = cube(" in text
    markdown = explanation.to_markdown()
    assert markdown == explanation._repr_markdown_()
    assert markdown.count("\n- $") == len(explanation.steps)
    assert explanation._repr_latex_().count("$") == 2 * len(explanation.steps)


def test_loss_specific_output_deltas():
    net = lecture_network()
    half = lines(net.explain([3, 4], [1], loss="half_squared"))
    assert any(line.startswith("Δ_5 = −(y − a_5)g′(in_5) = −0.1768·0.1456 = ") for line in half)
    assert "ℓ = 0.5·(y − a_5)² = 0.0156 (half_squared loss)" in half
    log = lines(net.explain([3, 4], [1], loss="log"))
    assert "Δ_5 = a_5 − y = 0.8232 − 1 = −0.1768" in log
    squash = ng.Activation("squash", g=lambda z: 0.5 + 0.4 * np.tanh(z),
                           dg=lambda z: 0.4 * (1 - np.tanh(z) ** 2))
    other = ng.Network.from_weights({(0, 2): 0.1, (1, 2): 0.5}, activation=squash)
    shown = lines(other.explain([1.0], [1], loss="log"))
    assert any(line.startswith("Δ_2 = (a_2 − y)/(a_2(1 − a_2))·g′(in_2) = ") for line in shown)


def test_several_outputs_are_y_1_y_2():
    net = ng.Network.from_weights({(1, 3): 0.5, (1, 4): -0.5, (0, 3): 0.1, (0, 4): 0.2})
    shown = lines(net.explain([1.0], [1, 0]))
    assert "y_1 − a_3 = 1 − 0.6457 = 0.3543" in shown
    assert "ℓ = (y_1 − a_3)² + (y_2 − a_4)² = 0.3067 (squared loss)" in shown  # 0.3543² + 0.4256²


def test_tables():
    explanation = sgd_neuron().explain([0.4, 0.5], [1], lr=0.5, carry_rounded=True)
    assert explanation.neurons[-1] == {"j": 3, "in_j": 0.19, "a_j": 0.5474, "g′(in_j)": 0.2478,
                                       "Δ_j": -0.2243}
    assert explanation.neurons[1] == {"j": 1, "in_j": None, "a_j": 0.4, "g′(in_j)": None,
                                      "Δ_j": None}
    assert explanation.edges[0] == {"i": 0, "j": 3, "w_ij": 0.1, "a_i": 1.0, "Δ_j": -0.2243,
                                    "∂J/∂w_ij": -0.2243, "new w_ij": 0.2122}
    table = explanation.edge_table().splitlines()
    assert table[0].split() == ["i", "j", "w_ij", "a_i", "Δ_j", "∂J/∂w_ij", "new", "w_ij"]
    assert table[1].split() == ["0", "3", "0.1", "1", "−0.2243", "−0.2243", "0.2122"]
    assert explanation.neuron_table().splitlines()[-1].split() == [
        "3", "0.19", "0.5474", "0.2478", "−0.2243"]


def test_small_values_keep_significant_digits_and_by_hand_are_rounded_as_by_hand():
    net = ng.Network.from_weights({(1, 2): 1e-7}, activation="identity")
    shown = lines(net.explain([1.0], digits=3))
    assert "in_2 = w_1,2·a_1 = (1×10^−7)·1 = 1×10^−7" in shown  # exact: still seen
    by_hand = lines(net.explain([1.0], digits=3, carry_rounded=True))
    assert "in_2 = w_1,2·a_1 = (1×10^−7)·1 = 0.000" in by_hand  # rounded to 3 places
    net = ng.Network.from_weights({(1, 2): -0.0018, (2, 3): 1.0}, activation="identity")
    by_hand = net.explain([1.0], digits=2, carry_rounded=True)
    assert "in_2 = w_1,2·a_1 = (−1.8×10^−3)·1 = −0.00" in lines(by_hand)
    assert by_hand.values["a_3"] == 0 and "in_3 = w_2,3·a_2 = 1·(−0.00) = 0" in lines(by_hand)


@pytest.mark.parametrize("kwargs, says", [
    (dict(x=[3, 4], lr=0.5), "pass y as well as lr"),
    (dict(x=[3, 4], digits=-1), "digits must be a whole number from 0 to 17"),
    (dict(x=[3]), "x must have 2 values"),
    (dict(x=[3, 4], y=[1], loss="mse"), "unknown loss"),
])
def test_refusals(kwargs, says):
    net = lecture_network()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=says):
        net.explain(**kwargs)
    assert snapshot(net) == before


# ------------------------------------------------------------------ check_answers


def test_check_answers_accepts_the_names_students_write():
    answers = {"in_3": 0, "a_4": 0.27, "Δ_5": -0.0515, "delta_4": -0.0202, "g'(in_3)": 0.25,
               "dJ/dw_1,3": -0.1545, "∂J/∂w_4,5": -0.0138, "w_3,5": 4.0129, "loss": 0.0313}
    report = ng.check_answers(lecture_network(), [3, 4], [1], answers, lr=0.5, digits=4)
    wrong = [c.name for c in report.checks if not c.correct]
    assert wrong == ["a_4"]  # 0.27 is right to 2 places, not to 4
    assert not report and not report.correct
    assert ng.check_answers(lecture_network(), [3, 4], [1], {"a_4": 0.27}, digits=2)


def test_check_answers_says_the_right_value_and_where_it_comes_from():
    report = ng.check_answers(lecture_network(), [3, 4], [1], {"Δ_3": -0.02}, digits=4)
    text = str(report)
    assert "✗ Δ_3 = −0.02: it is −0.0515, from Δ_3 = g′(in_3)·(w_3,5·Δ_5) = " in text
    assert text.endswith("0 of 1 right")


def test_check_answers_knows_the_slides_rounding():
    # the slide's 0.2122 carries the rounded 0.4526 and 0.2478; exactly it is 0.2121454…
    args = (sgd_neuron(), [0.4, 0.5], [1], {"w_0,3": 0.2122})
    report = ng.check_answers(*args, lr=0.5)
    assert report and str(report).startswith(
        "✓ w_0,3 = 0.2122 (right when the rounded values are carried, as by hand)")
    assert ng.check_answers(*args, lr=0.5, carry_rounded=True)
    exact = ng.check_answers(sgd_neuron(), [0.4, 0.5], [1], {"w_0,3": 0.2121}, lr=0.5,
                             carry_rounded=True)
    assert exact and "right with exact intermediates" in str(exact)


def test_a_wrong_answer_is_shown_a_step_that_adds_up_as_written():
    report = ng.check_answers(sgd_neuron(), [0.4, 0.5], [1], {"w_0,3": 0.3}, lr=0.5)
    text = str(report)
    assert not report
    assert "from w_0,3 ← w_0,3 − α·∂J/∂w_0,3 = 0.1 − 0.5·(−0.2243) = 0.2122" in text
    assert "(exactly 0.2121; carrying the rounded values shown, 0.2122)" in text


@pytest.mark.parametrize("answers, kwargs, says", [
    ({"b_3": 1}, {}, "unknown answer name 'b_3'"),
    ({"Δ_3": 1}, dict(y=None), "Δ_3 needs the target"),
    ({"w_0,3": 1}, {}, "pass lr"),
    ({"a_9": 1}, {}, "no a_9"),
    ({"a_3": "half"}, {}, "answer for a_3 must be a real number"),
])
def test_check_answers_refusals(answers, kwargs, says):
    arguments = dict(y=[1])
    arguments.update(kwargs)
    with pytest.raises(ng.NetworkError, match=says):
        ng.check_answers(lecture_network(), [3, 4], answers=answers, **arguments)


def test_significant_figures_as_textbooks_print_them():
    from neurograph.numbers import Precision, round_significant
    assert [Precision(significant=3).format(v) for v in (-0.049548, 0.099651, -2.5249)] == \
        ["−0.0495", "0.0997", "−2.52"]
    assert round_significant(0.000123456, 2) == 0.00012
    net = ng.Network.from_weights({(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4,
                                   (2, 4): 2, (0, 5): -1, (3, 5): 4, (4, 5): 2})
    exact = net.explain([3, 4], [1], significant=3)
    assert exact.title.endswith("shown to 3 significant figures)")
    assert "Δ_5 = −2(y − a_5)g′(in_5) = −2·0.177·0.146 = −0.0515" in str(exact)
    assert exact.values["Δ_5"] == net.explain([3, 4], [1]).values["Δ_5"]  # exact underneath
    carried = net.explain([3, 4], [1], significant=2, carry_rounded=True)
    assert carried.values["a_4"] == 0.27 and carried.values["in_5"] == 1.5  # −1 + 2 + 0.54
    with pytest.raises(ng.NetworkError, match=r"significant \(figures\) must be"):
        net.explain([3, 4], significant=0)
