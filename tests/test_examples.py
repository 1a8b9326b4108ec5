"""Every script in examples/ runs, and the lecture examples print the slides' numbers.

No wall-clock limit: a busy machine is slow, not wrong. A long example runs here at the smaller
size its ``--quick`` flag chooses (documented in the example), and still makes its own checks.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_hostile import ENV  # the package these tests import, on the examples' PYTHONPATH

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

EXPECTED = {
    "cascade_spirals.py": ["100% of the 194 training points classified correctly"],
    "evolve_topologies.py": ["XOR: solved at generation", "spirals: after 3 generations",
                             "wrote evolution.png"],
    "search_spirals.py": ["evolve, seed 0: 2 generations", "gradient_search: 87 candidate edges",
                          "wrote search_spirals.png"],
    "gradient_search_gates.py": ["l1: 87 candidate edges", "l0: 87 candidate edges",
                                 "wrote gradient_search_gates.png"],
    "architecture_search.py": ["2-3-3-1 by hand: depth 3, 25 edges",
                               "wrote architecture_search.png"],
    "forward_propagation.py": [  # the slide's rounding, then exact
        "in_3 = w_0,3·a_0 + w_1,3·a_1 + w_2,3·a_2 = 5·1 + 1·3 + (−2)·4 = 0",
        "a_4 = g(in_4) = σ(−1) = 0.27",
        "in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.27 = 1.54",
        "a_5 = g(in_5) = σ(1.54) = 0.82", "a_5 = g(in_5) = σ(1.5379) = 0.8232"],
    "sgd_iteration.py": [
        "y − a_3 = 1 − 0.5474 = 0.4526",
        "g′(in_3) = g(in_3)(1 − g(in_3)) = 0.5474·(1 − 0.5474) = 0.2478",
        "w_0,3 ← w_0,3 − α·∂J/∂w_0,3 = 0.1 − 0.5·(−0.2243) = 0.2122",
        "w_1,3 ← w_1,3 − α·∂J/∂w_1,3 = 0.1 − 0.5·(−0.0897) = 0.1449",
        "w_2,3 ← w_2,3 − α·∂J/∂w_2,3 = 0.1 − 0.5·(−0.1122) = 0.1561",
        "0  3   0.1    1  −0.2243   −0.2243    0.2121",  # exactly, w_0,3 is 0.2121
        "g(in_3) = 0.5862"],
    "backprop_deltas.py": ["Δ_7 = −2(y − a_7)g′(in_7) = ",
                           "Δ_5 = g′(in_5)·(w_5,7·Δ_7) = ", "Δ_6 = g′(in_6)·(w_6,7·Δ_7) = ",
                           "Δ_3 = g′(in_3)·(w_3,5·Δ_5 + w_3,6·Δ_6) = "],
    "check_homework.py": ["✗ Δ_3 = −0.03: it is −0.05, from Δ_3 = g′(in_3)·(w_3,5·Δ_5)",
                          "✓ w_3,5 = 4.01 (right with exact intermediates)", "8 of 9 right"],
    "skip_connections.py": ["topological order: [0, 1, 2, 7, 4, 9]"],
    "perceptron_adder.py": [" 1   1  |  0    1   |  2", "every sum right",
                            "the perceptron rule learns NAND in 5 epochs",
                            "(stopped: epochs) — not linearly separable"],
    "xor.py": ["One hidden layer (2-2-1): [0, 1, 1, 0]"],
    "adding_problem.py": ["the LSTM adds the marked values"],
    "reber.py": ["Elman 7-18-7, no BPTT: 601 trainable weights",
                 "LSTM, 8 cells: 575 trainable weights",
                 "the Elman network without BPTT stays at chance", "wrote reber.png"],
    "time_delay.py": ["held-out accuracy of y(t) = x(t − 1) XOR x(t − 2): 1.000"],
    "vanishing_in_time.py": ["the LSTM's memory carries the error back",
                             "wrote vanishing_in_time.png"],
    "temporal_xor.py": ["the error drops on every third bit", "wrote temporal_xor.png",
                        "wrote temporal_xor_network.png"],
    "symmetry.py": ["identical after 2000 epochs: True", "identical after 2000 epochs: False",
                    "XOR predictions [0, 1, 1, 0]"],
    "deep_vs_wide.py": ["2-6-1            18       7", "2-3-3-1          18       7"],
    "self_taught.py": ["after 100 L-BFGS iterations", "softmax on 100 labelled digits"],
    "sparse_autoencoder.py": ["2,000 patches of 8×8 pixels", "after 100 L-BFGS iterations",
                              "wrote sparse_autoencoder.png"],
}


def number(pattern, text):
    return float(re.search(pattern, text).group(1))


def check_vanishing(out):
    rows = re.findall(r"^(logistic|relu)\s.*\s([\d.]+)$", out, re.M)
    ratio = {name: float(value) for name, value in rows}  # |Δ_2| / |Δ_5|
    assert ratio["logistic"] < 0.05 and ratio["relu"] > 0.5, ratio


def check_regression(out):
    assert number(r"([\d.]+) after epoch 2000", out) < 0.01


def check_digits(out):
    assert number(r"held-out accuracy: ([\d.]+)", out) >= 0.95  # the bar issue 3 sets


CHECKS = {"vanishing_gradients.py": check_vanishing, "regression.py": check_regression,
          "digits.py": check_digits}
QUICK = {"sparse_autoencoder.py", "evolve_topologies.py", "architecture_search.py",
         "self_taught.py", "search_spirals.py", "temporal_xor.py", "adding_problem.py",
         "reber.py", "gradient_search_gates.py"}
"""Examples run with ``--quick``: the same steps and checks on less data, fewer iterations."""


def run(script, *args, cwd):
    """Run an example with the package these tests import (not whatever is installed)."""
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, capture_output=True,
                          text=True, env=ENV)


def test_there_are_examples():
    assert len(EXAMPLES) >= 10
    assert set(EXPECTED) | set(CHECKS) | QUICK <= {p.name for p in EXAMPLES}


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_quick_example_says_what_quick_changes(name):
    source = (ROOT / "examples" / name).read_text(encoding="utf-8")
    docstring = source.split('"""')[1]
    assert f"python examples/{name} --quick" in docstring
    assert '"--quick" in sys.argv' in source


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    result = run(script, *(["--quick"] if script.name in QUICK else []), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    for line in EXPECTED.get(script.name, []):
        assert line in result.stdout
    if script.name in CHECKS:
        CHECKS[script.name](result.stdout)


def test_readme_pictures_script_draws_every_picture(tmp_path):
    result = run(ROOT / "scripts" / "readme_pictures.py", "--out", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = {"lecture_network.png", "skip_dag.png", "xor_training.png", "xor_neurons.png",
             "digits_network.png", "nand_adder.png", "skip_dag_tikz.png", "exercise_sheet.png",
             "slide_16_9.png"}
    assert {p.name for p in tmp_path.iterdir()} == names
    assert all((tmp_path / name).read_bytes().startswith(b"\x89PNG") for name in names)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"docs/images/{name}" in readme for name in names)


def test_engine_benchmark_runs_and_prints_every_section(tmp_path):
    result = run(ROOT / "scripts" / "bench.py", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for heading in ("1. Digits 64-30-10", "2. 30 epochs", "3. Random non-layered DAG",
                    "4. Per-example SGD", "5. Building at scale", "9. What a call costs",
                    "10. L-BFGS-B on XOR"):
        assert heading in result.stdout
    assert "× hand-written numpy" in result.stdout and "ns/edge/example" in result.stdout
    assert "with softmax outputs and cross-entropy" in result.stdout
    for case in ("from_weights", "save", "load", "layered"):
        assert f"   {case} " in result.stdout


def test_benchmark_script_runs_and_prints_its_ratios(tmp_path):
    result = run(ROOT / "scripts" / "bench_sgd.py", "--steps", "200", "--repeats", "1",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "neurograph Network.sgd_step" in result.stdout and "× hand loop" in result.stdout


def test_recurrent_benchmark_runs_and_prints_its_ratios(tmp_path):
    result = run(ROOT / "scripts" / "bench_recurrent.py", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for heading in ("1. LSTM, 32 hidden", "2. Peak memory", "3. Elman [2, 4, 1]"):
        assert heading in result.stdout
    assert "torch.nn.LSTM + autograd" in result.stdout and "KiB per time step" in result.stdout
    assert result.stdout.count("per-sequence BPTT") == 2
