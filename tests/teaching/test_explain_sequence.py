"""explain_sequence: BPTT written out step by step, with BPTT's own numbers."""

import math
import subprocess

import numpy as np
import pytest

import neurograph as ng
from support import snapshot


def test_the_steps_of_a_recurrent_neuron_by_hand():
    net = ng.Network.from_weights({(0, 2): 0.1, (1, 2): 0.5, (2, 2): -1.0, (2, 3): 2.0},
                                  delays={(2, 2): 1}, activation="identity")
    before = snapshot(net)
    steps = net.explain_sequence([[1.0], [2.0], [4.0]], [[math.nan], [0.0], [6.0]], lr=0.1)
    v = steps.values
    # a_2: 0.6, 0.5, 1.6 (a_2(t) = 0.1 + 0.5 x(t) − a_2(t − 1)); a_3 = 2 a_2
    assert [v[f"a_2({t})"] for t in (1, 2, 3)] == pytest.approx([0.6, 0.5, 1.6], abs=1e-12)
    # Δ_3(3) = −2(6 − 3.2) = −5.6; Δ_3(2) = −2(0 − 1) = 2; no target at t = 1
    assert v["Δ_3(3)"] == pytest.approx(-5.6) and v["Δ_3(2)"] == pytest.approx(2.0)
    assert "Δ_3(1)" not in v
    # Δ_2(3) = 2·(−5.6) = −11.2; Δ_2(2) = 2·2 − Δ_2(3) = 15.2; Δ_2(1) = −Δ_2(2) = −15.2
    assert [v[f"Δ_2({t})"] for t in (3, 2, 1)] == pytest.approx([-11.2, 15.2, -15.2])
    text = str(steps)
    assert "in_2(2) = w_0,2·a_0(2) + w_1,2·a_1(2) + w_2,2·a_2(1) = " in text
    assert "Δ_2(2) = g′(0.5)·(−1·Δ_2(3) + 2·Δ_3(2)) = 15.2" in text
    assert "∂J/∂w_2,2 = Σ_t(Δ_2(t)·a_2(t − 1)) = " in text
    _, grad = net.cost_and_grad(net.theta(), [[[1.0], [2.0], [4.0]]],
                                [[[math.nan], [0.0], [6.0]]])
    for (i, j), g in zip(net.theta_edges(), grad):
        assert v[f"dJ/dw_{i},{j}"] == pytest.approx(g, abs=1e-12)
        assert v[f"w_{i},{j}"] == pytest.approx(net.w[i, j] - 0.1 * g, abs=1e-12)
    assert snapshot(net) == before  # explaining never changes the network


def test_an_lstm_explained_matches_bptt_and_its_latex_compiles(tmp_path):
    net = ng.Network.lstm(n_inputs=1, n_hidden=1, seed=0)
    X, Y = [[0.5], [-1.0]], [[0.2], [0.7]]
    steps = net.explain_sequence(X, Y)
    _, grad = net.cost_and_grad(net.theta(), [X], [Y])
    for (i, j), g in zip(net.theta_edges(), grad):
        assert steps.values[f"dJ/dw_{i},{j}"] == pytest.approx(g, abs=1e-12)
    assert np.allclose([steps.values[f"a_{net.outputs[0]}({t})"] for t in (1, 2)],
                       net.forward_sequence(X).ravel(), atol=1e-15)
    document = tmp_path / "steps.tex"
    document.write_text("\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n"
                        + steps.to_latex() + "\n\\end{document}\n", encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             document.name], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


def test_explain_sequence_refuses_what_it_cannot_explain():
    net = ng.Network.elman([1, 2, 1], seed=0)
    with pytest.raises(ng.NetworkError, match="an update needs the targets"):
        net.explain_sequence([[1.0]], lr=0.1)
    with pytest.raises(ng.NetworkError, match=r"n_inputs = 1; received shape \(2, 2\)"):
        net.explain_sequence([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ng.NetworkError, match="shape"):
        net.explain_sequence([[1.0], [2.0]], [[1.0]])
