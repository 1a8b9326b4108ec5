"""Users know their lectures by the names the notes give them ("Lecture 07-2c"), not by the
numbers of the notes in neurograph's development ("seed 001"): every string the package shows —
docstrings, figure titles, help — names the lecture. (Comments, for developers, may say either.)"""

import ast
import re
from pathlib import Path

import pytest

import neurograph
from neurograph.cli import parser
from neurograph.teaching.lectures import EXAMPLES, LECTURES, lecture_of

PACKAGE = Path(neurograph.__file__).resolve().parent
SEED = re.compile(r"\b[Ss]eeds? 0\d\d")


def test_no_string_in_the_package_names_a_seed():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SEED.search(node.value):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not found


def test_the_examples_name_their_part_of_lecture_07():
    for name in EXAMPLES:
        assert re.fullmatch(r"Lecture 07-[1-5][a-d]", lecture_of(name)), name
        assert lecture_of(name).startswith(LECTURES["001"][1])
    assert all(short in name for name, short in LECTURES.values())


def test_the_examples_figures_are_titled_by_their_lecture(tmp_path, monkeypatch):
    from neurograph.model.network import Network
    from neurograph.teaching.lectures import run
    titles, plot = [], Network.plot

    def plot_and_keep_the_title(self, *args, title=None, **options):
        titles.append(title)
        return plot(self, *args, title=title, **options)

    monkeypatch.setattr(Network, "plot", plot_and_keep_the_title)
    run("forward", tmp_path)
    run("sgd", tmp_path)
    assert titles == ["Lecture 07-2c: forward propagation of x = (3, 4)",
                      "Lecture 07-2a: the neuron before its SGD update"]


def test_the_command_line_help_names_the_lecture(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["train", "--help"])
    assert "(default squared, Lecture 07's)" in " ".join(capsys.readouterr().out.split())
