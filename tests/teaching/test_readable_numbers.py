"""Numbers a student can read, in every output (issue 26 item 2): scientific notation is
parenthesized in a power or a product, by-hand values print as rounded, LaTeX always compiles.

The property test keeps the failures Hypothesis has found in a database committed beside it
(``hypothesis-numbers/``, read only here), so that every run, CI's included, replays them.
To add to it, run with NEUROGRAPH_RECORD_FAILURES=1 (a writable database, 200 examples).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase

import neurograph as ng
from support import dags

RECORD = bool(os.environ.get("NEUROGRAPH_RECORD_FAILURES"))
FOUND = DirectoryBasedExampleDatabase(str(Path(__file__).with_name("hypothesis-numbers")))
if not RECORD:
    FOUND = ReadOnlyDatabase(FOUND)
SCIENTIFIC = r"[−-]?\d(?:\.\d+)?×10\^[−-]?\d+"
BARE = re.compile(rf"(?<![(\d.]){SCIENTIFIC}(?=[·²/])|[·/]{SCIENTIFIC}")
"""A number in scientific notation written bare against a product, a quotient or a power."""


@st.composite
def tiny_examples(draw):
    """(net, x, y): a random DAG, and inputs that are often far below the decimal places."""
    net = draw(dags())
    value = st.one_of(st.floats(-2, 2), st.floats(-1e-6, 1e-6),
                      st.sampled_from([1e-5, -2.220446049250313e-16, 3e-9]))
    x = draw(st.lists(value, min_size=len(net.inputs), max_size=len(net.inputs)))
    y = draw(st.lists(st.floats(0, 1), min_size=len(net.outputs), max_size=len(net.outputs)))
    return net, x, y


def compiles(tmp_path, body):
    """pdflatex on an article holding `body` (runs for real: TeX Live is installed)."""
    assert shutil.which("pdflatex"), "pdflatex is needed: apt-get install texlive-latex-base"
    (tmp_path / "n.tex").write_text("\\documentclass{article}\\usepackage{amsmath}"
                                    "\\begin{document}\n" + body + "\n\\end{document}\n",
                                    encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "n.tex"],
                            cwd=tmp_path, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    return result.returncode == 0, result.stdout[-1500:]


@settings(max_examples=200 if RECORD else 4, deadline=None, database=FOUND,
          phases=[Phase.generate, Phase.shrink] if RECORD else list(Phase),
          suppress_health_check=list(HealthCheck))
@given(case=tiny_examples(), digits=st.integers(0, 4), carry_rounded=st.booleans())
@example(case=(ng.Network.from_weights({(1, 2): 1.0}, activation="tanh"), [1e-5], [1.0]),
         digits=2, carry_rounded=False)  # the tiny.txt: g′ = 1 − (1×10^−5)²
def test_every_output_writes_small_numbers_unambiguously_and_latex_compiles(
        tmp_path_factory, case, digits, carry_rounded):
    net, x, y = case
    explanation = net.explain(x, y, lr=0.5, digits=digits, carry_rounded=carry_rounded)
    text = str(explanation)
    assert not BARE.search(text), BARE.search(text)
    if carry_rounded:  # by hand: every computed value has `digits` places at most
        computed = [step.text(digits).rsplit(" = ", 1)[-1] for step in explanation.steps
                    if step.section != "forward" or step.name.startswith("in_")]
        assert not [v for v in computed if "×10^" in v and abs(float(
            v.replace("−", "-").replace("×10^", "e"))) < 1e15], computed
    ok, log = compiles(tmp_path_factory.mktemp("numbers"), explanation.to_latex())
    assert ok, log  # (Markdown's math is the same LaTeX, step by step)


def test_a_by_hand_value_below_the_places_prints_as_rounded():
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): 1.0})
    steps = net.explain([1e-5], [1], lr=0.5, digits=2, carry_rounded=True)
    text = str(steps)
    # ∂J/∂w_1,2 = Δ_2·a_1 = −0.18·(1×10^−5) = −1.8×10^−6 exactly: by hand to 2 places, −0.00
    assert "∂J/∂w_1,2 = Δ_2·a_1 = −0.18·(1×10^−5) = −0.00" in text
    assert "w_1,2 ← w_1,2 − α·∂J/∂w_1,2 = 1 − 0.5·(−0.00) = 1" in text
    assert r"= -0.00$" in steps.to_latex()
    exact = str(net.explain([1e-5], [1], lr=0.5, digits=2))
    assert "= −0.18·(1×10^−5) = −1.8×10^−6" in exact  # exact values keep their digits
