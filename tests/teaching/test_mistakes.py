"""Wrong answers named by the mistake that explains them (check_answers' diagnosis)."""

import math

import pytest

import neurograph as ng

W = {(0, 3): 0.5, (1, 3): 1.0, (2, 3): -0.5, (0, 4): -0.5, (1, 4): 0.5, (2, 4): 1.0,
     (0, 5): 0.5, (3, 5): 1.5, (4, 5): -1.0, (0, 6): -0.5, (3, 6): -1.0, (4, 6): 0.5}
X, Y, LR = [1.0, 2.0], [1.0, 0.0], 0.5


def sigma(z):
    return 1 / (1 + math.exp(-z))


def by_hand():
    """Every right value of the 2-2-2 network, from the formulas (squared loss)."""
    v = {}
    for j in (3, 4):
        v[f"in_{j}"] = W[0, j] + W[1, j] * X[0] + W[2, j] * X[1]
        v[f"a_{j}"] = sigma(v[f"in_{j}"])
    for k in (5, 6):
        v[f"in_{k}"] = W[0, k] + W[3, k] * v["a_3"] + W[4, k] * v["a_4"]
        v[f"a_{k}"] = sigma(v[f"in_{k}"])
    for k, y in zip((5, 6), Y):
        v[f"g_{k}"] = v[f"a_{k}"] * (1 - v[f"a_{k}"])
        v[f"Δ_{k}"] = -2 * (y - v[f"a_{k}"]) * v[f"g_{k}"]
    for j in (3, 4):
        v[f"g_{j}"] = v[f"a_{j}"] * (1 - v[f"a_{j}"])
        v[f"Δ_{j}"] = v[f"g_{j}"] * (W[j, 5] * v["Δ_5"] + W[j, 6] * v["Δ_6"])
    return v


V = by_hand()
NET = ng.Network.from_weights(W)


def diagnosis(name, value):
    report = ng.check_answers(NET, X, Y, {name: value}, lr=LR, digits=4)
    (item,) = report.items
    return item.correct, item.diagnosis


def test_the_network_by_hand_is_the_engines():
    values = NET.explain(X, Y, lr=LR).values
    for name in ("in_3", "a_4", "Δ_5", "Δ_6", "Δ_3", "Δ_4"):
        assert values[name] == pytest.approx(V[name], rel=1e-12)


@pytest.mark.parametrize("name, wrong, code", [
    ("Δ_5", -2 * (Y[0] - V["a_5"]), "missing_g_prime"),
    ("Δ_3", W[3, 5] * V["Δ_5"] + W[3, 6] * V["Δ_6"], "missing_g_prime"),
    ("Δ_3", sigma(V["a_3"]) * (1 - sigma(V["a_3"])) * (W[3, 5] * V["Δ_5"] + W[3, 6] * V["Δ_6"]),
     "g_prime_of_a"),
    ("Δ_5", 2 * (Y[0] - V["a_5"]) * V["g_5"], "sign"),
    ("w_3,5", W[3, 5] + LR * V["Δ_5"] * V["a_3"], "sign"),
    ("Δ_6", -(Y[1] - V["a_6"]) * V["g_6"], "factor_2"),
    ("in_3", W[1, 3] * X[0] + W[2, 3] * X[1], "missing_bias"),
    ("Δ_3", V["g_3"] * ((W[3, 5] - LR * V["Δ_5"] * V["a_3"]) * V["Δ_5"]
                        + (W[3, 6] - LR * V["Δ_6"] * V["a_3"]) * V["Δ_6"]), "updated_weights"),
    ("Δ_3", V["g_3"] * W[3, 5] * V["Δ_5"], "missing_successor"),
    ("Δ_4", V["g_4"] * W[4, 6] * V["Δ_6"], "missing_successor"),
])
def test_each_mistake_is_named(name, wrong, code):
    right = V.get(name, W[3, 5] - LR * V["Δ_5"] * V["a_3"])  # (w_3,5 after the update)
    assert round(wrong, 4) != round(right, 4)
    assert diagnosis(name, round(wrong, 4)) == (False, code)


def test_a_right_answer_has_no_diagnosis_and_a_random_wrong_one_neither():
    assert diagnosis("Δ_3", round(V["Δ_3"], 4)) == (True, None)
    assert diagnosis("Δ_3", 12.3456) == (False, None)
    assert diagnosis("in_5", -7.0) == (False, None)


def test_carried_rounding_is_counted_right_and_named():
    net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
    report = ng.check_answers(net, [0.4, 0.5], [1], {"w_0,3": 0.2122}, lr=0.5)
    assert report.items[0].correct and report.items[0].diagnosis == "carried_rounding"


def test_the_report_says_in_words_what_went_wrong():
    report = ng.check_answers(NET, X, Y, {"Δ_3": round(V["g_3"] * W[3, 5] * V["Δ_5"], 4)},
                              lr=LR, digits=4)
    text = str(report)
    assert "✗ Δ_3 = " in text and "from Δ_3 = g′(in_3)·(w_3,5·Δ_5 + w_3,6·Δ_6) = " in text
    assert f"probably: {ng.MISCONCEPTIONS['missing_successor']}" in text
    assert set(ng.MISCONCEPTIONS) == {"missing_g_prime", "g_prime_of_a", "sign", "factor_2",
                                      "missing_bias", "updated_weights", "missing_successor",
                                      "carried_rounding"}
