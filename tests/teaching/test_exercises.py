"""Exercises with nice numbers and their keys (the teacher's kit, issue 14 item 1 in part)."""

import itertools

import pytest

import neurograph as ng
from support import snapshot


def test_the_same_seed_gives_the_same_exercise_byte_for_byte(tmp_path):
    one, two = ng.exercise(kind="sgd", seed=7), ng.exercise(kind="sgd", seed=7)
    assert one.to_markdown(answers=True) == two.to_markdown(answers=True)
    assert one.to_latex(answers=True) == two.to_latex(answers=True)
    one.save(tmp_path / "a.json")
    two.save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_variants_differ_and_keep_every_sum_in_range():
    variants = [ng.exercise(sizes=(2, 3, 2), kind="backprop", seed=s, limit=3.0)
                for s in range(30)]
    sheets = [v.to_markdown() for v in variants]
    assert all(a != b for a, b in itertools.combinations(sheets, 2))
    for v in variants:
        v.network.forward(v.x)
        assert all(abs(v.network.neuron(j).in_) <= 3.0 for j in v.network.hidden
                   + v.network.outputs)
        assert all(w != 0 and (2 * w).is_integer() for w in v.network.w.values())
        assert all(value != 0 and (2 * value).is_integer() for value in v.x)


@pytest.mark.parametrize("kind", ["forward", "backprop", "sgd"])
def test_the_key_is_explains_worked_steps_as_printed(kind):
    ex = ng.exercise(sizes=(2, 2, 1), kind=kind, seed=3, digits=3)
    steps = ex.network.explain(ex.x, ex.y if kind != "forward" else None,
                               lr=0.5 if kind == "sgd" else None, digits=3, carry_rounded=True)
    for name in ex.questions:
        assert ex.answers[name] == steps.values[name]
        shown = ng.numbers.format_number(ex.answers[name], 3)
        assert f" {name}{' (updated)' * name.startswith('w_')} = {shown}\n" in \
            ex.to_markdown(answers=True)
    assert all(name.startswith(("in_", "a_")) for name in ex.questions) == (kind == "forward")
    report = ng.check_answers(ex.network, ex.x, ex.y, ex.answers, lr=ex.lr, digits=3,
                              carry_rounded=True)
    assert report.correct  # the key passes its own check


def test_an_exercise_on_a_given_dag_keeps_its_structure():
    net = ng.Network.from_weights({(1, 3): 1.0, (2, 3): 1.0, (1, 4): 1.0, (3, 4): 1.0,
                                   (0, 4): 0.0}, activations={3: "tanh"})
    ex = ng.exercise(network=net, kind="backprop", seed=1)
    assert sorted(ex.network.w) == sorted(net.w) and ex.network.neuron(3).activation.name == \
        "tanh"
    assert dict(net.w)[1, 3] == 1.0  # the given network is left as it was


def test_save_and_load_with_and_without_answers(tmp_path):
    ex = ng.exercise(kind="sgd", seed=2)
    ex.save(tmp_path / "key.json")
    ex.save(tmp_path / "student.json", answers=False)
    key, student = ng.load_exercise(tmp_path / "key.json"), ng.load_exercise(
        tmp_path / "student.json")
    assert key.answers == ex.answers and student.answers == {}
    assert snapshot(key.network) == snapshot(ex.network) and key.x == ex.x
    assert key.to_markdown(answers=True) == ex.to_markdown(answers=True)
    (tmp_path / "bad.json").write_text('{"format": "neurograph-exercise", "kind": "essay"}')
    with pytest.raises(ng.NetworkError, match=r"bad.json: kind: expected one of forward"):
        ng.load_exercise(tmp_path / "bad.json")


def test_softmax_exercises_have_one_hot_targets():
    ex = ng.exercise(network=ng.Network.layered([2, 2, 3], output_activation="softmax"),
                     kind="backprop", loss="cross_entropy", seed=4)
    assert sorted(ex.y) == [0.0, 0.0, 1.0] and "Δ_6" in ex.answers


@pytest.mark.parametrize("kwargs, says", [
    (dict(kind="quiz"), r"unknown exercise kind 'quiz'"),
    (dict(seed=-1), r"seed must be a whole number ≥ 0"),
    (dict(grid=0), r"grid must be positive"),
    (dict(limit=0.01), r"no weights on a grid of 0.5 keep every \|in_j\| ≤ 0.01"),
])
def test_bad_requests_are_refused(kwargs, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.exercise(**kwargs)


@pytest.mark.parametrize("answers", [False, True])
def test_the_latex_sheet_and_key_compile_with_pdflatex(tmp_path, answers):
    """pdflatex runs for real (.ci/run installs it where it is missing): never skipped."""
    import shutil
    import subprocess
    assert shutil.which("pdflatex"), "pdflatex is needed: apt-get install texlive-latex-base"
    ex = ng.exercise(sizes=(2, 3, 2), kind="sgd", seed=11)
    ex.plot(tmp_path / "network.png")
    (tmp_path / "sheet.tex").write_text(ex.to_latex(answers=answers, picture="network.png"),
                                        encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "sheet.tex"], cwd=tmp_path, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")


def mixed_network():
    """Neurons 3 and 4 tanh, the output 5 logistic, a skip edge 1 → 4."""
    return ng.Network.from_weights({(0, 3): 1.0, (1, 3): 1.0, (2, 3): 1.0, (0, 4): 1.0,
                                    (1, 4): 1.0, (3, 4): 1.0, (0, 5): 1.0, (4, 5): 1.0},
                                   activations={3: "tanh", 4: "tanh", 5: "logistic"})


def test_every_sheet_states_each_neurons_g_and_the_loss_with_formulas():
    ex = ng.exercise(network=mixed_network(), kind="backprop", loss="half_squared", seed=2,
                     title="Quiz 3", course="CS 457")
    markdown, latex = ex.to_markdown(), ex.to_latex()
    assert r"- neurons 3, 4: tanh, $g(in_j) = \tanh(in_j)$" in markdown
    assert r"- neuron 5: logistic, $g(in_j) = \frac{1}{1 + e^{-in_j}}$" in markdown
    assert r"**Loss.** half_squared: $\ell = \frac{1}{2} \sum_k (y_k - a_k)^2$" in markdown
    assert r"neurons 3, 4: tanh, $\displaystyle g(in_j) = \tanh(in_j)$" in latex
    assert r"$\displaystyle\ell = \frac{1}{2} \sum_k (y_k - a_k)^2$" in latex
    assert markdown.startswith("# Quiz 3\n\n**CS 457** · backpropagation, variant 2\n\nName: _")
    assert r"\textbf{CS 457}}\hfill Name:" in latex and r"\textbf{Quiz 3}" in latex
    numbered = [line.split(". ", 1)[1].split(" =")[0] for line in markdown.splitlines()
                if line[:1].isdigit()]
    order = [step.name for step in ex.explanation().steps]
    assert numbered == ex.questions == sorted(ex.questions, key=order.index)  # the key's order
    assert latex.count(r"\item $") == len(ex.questions) and r"\begin{tikzpicture}" in latex


def test_an_exercise_from_a_teachers_own_weights_and_example():
    net = mixed_network()
    ex = ng.exercise(network=net, keep_weights=True, x=[0.5, -1], y=[1], kind="sgd",
                     lr=0.5, seed=0)
    assert dict(ex.network.w) == dict(net.w) and ex.x == [0.5, -1.0] and ex.y == [1.0]
    # in_3 = 1·1 + 1·0.5 + 1·(−1) = 0.5; a_3 = tanh(0.5) = 0.46
    assert ex.answers["in_3"] == 0.5 and ex.answers["a_3"] == 0.46
    drawn_x = ng.exercise(network=net, keep_weights=True, kind="forward", seed=4)
    assert dict(drawn_x.network.w) == dict(net.w) and all((2 * v).is_integer() for v in drawn_x.x)
    with pytest.raises(ng.NetworkError, match="keep_weights=True keeps a network's weights"):
        ng.exercise(keep_weights=True)
    heavy = ng.Network.from_weights({(0, 2): 9.0, (1, 2): 1.0})  # in_2 ≥ 9 − 1 for any x
    with pytest.raises(ng.NetworkError, match="no input x on a grid of 0.5 keeps every"):
        ng.exercise(network=heavy, keep_weights=True, kind="forward")


@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu"])
def test_no_question_rounds_to_a_trivial_zero(activation):
    for seed in range(8):
        ex = ng.exercise(activation=activation, kind="backprop", seed=seed)
        small = {name: v for name, v in ex.answers.items()
                 if name.startswith(("a_", "Δ_")) and abs(v) < 0.01}
        assert small == {}, (seed, small)
    assert ng.teaching.exercises.default_limit(ng.Network.layered([2, 2, 1],
                                                                  activation="tanh")) == 2.5


def test_a_class_pdf_has_one_sheet_per_variant_and_the_keys(tmp_path):
    """pdflatex and poppler run for real (TeX Live and poppler-utils are installed)."""
    import subprocess
    variants = [ng.exercise(kind="backprop", seed=s, title="Quiz 3", course="CS 457")
                for s in range(3)]
    sheets, keys = ng.exercise_pdf(variants, tmp_path / "class.pdf", key=tmp_path / "key.pdf")
    text = subprocess.run(["pdftotext", str(sheets), "-"], capture_output=True,
                          text=True).stdout
    assert text.count("Name:") == 3 and text.count("Quiz 3") == 3
    key_text = subprocess.run(["pdftotext", str(keys), "-"], capture_output=True,
                              text=True).stdout
    assert key_text.count("KEY") == 3 and "Worked steps" in key_text
    fonts = subprocess.run(["pdffonts", str(sheets)], capture_output=True, text=True).stdout
    assert "Type 3" not in fonts  # no bitmap font: every glyph from the Type 1 fonts
    variants[0].save(tmp_path / "one.pdf")
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_makes_a_class_pdf_and_grid_weights(tmp_path):
    from test_hostile import command
    made = command(tmp_path, "exercise", "--variants", 2, "--pdf", "--format", "latex",
                   "--course", "CS 457", "-o", "out")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "out" / "class.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "out" / "key.pdf").read_bytes().startswith(b"%PDF")
    made = command(tmp_path, "new", "layered", 2, 3, 1, "--grid", 0.5, "--epsilon", 2,
                   "-o", "grid.json")
    assert made.returncode == 0, made.stderr
    weights = ng.load(tmp_path / "grid.json").w.values()
    assert all(w != 0 and (2 * w).is_integer() for w in weights)
