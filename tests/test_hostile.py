"""Hostile input, answered in one line, with nothing lost.

Every probe runs through the installed ``neurograph`` command in a subprocess: the exit
status, exactly one line on stderr, no traceback, and every file in the folder as it was
(contents and modes). The API probes check that the network is left as it was. A writer
is killed mid-save, and the file readers are fuzzed with mutated valid files.
"""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurograph as ng
from support import lecture_network, snapshot

COMMAND = str(Path(sys.executable).parent / "neurograph")
ENV = {**os.environ, "MPLBACKEND": "Agg",  # the command runs the package these tests import
       "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(ng.__file__).parents[1]),
                                                   os.environ.get("PYTHONPATH")]))}


def command(folder, *args):
    """Run the neurograph command in `folder` (no terminal, no standard input)."""
    return subprocess.run([COMMAND, *map(str, args)], cwd=folder, capture_output=True,
                          text=True, env=ENV, stdin=subprocess.DEVNULL)


def folder_state(folder):
    """Every file under `folder`: its bytes and mode."""
    return {p.relative_to(folder): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(folder, *args, says, status=1):
    """Run the command; it must fail with one line naming the problem and change no file."""
    before = folder_state(folder)
    result = command(folder, *args)
    assert result.returncode == status, (args, result.stdout, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, (args, result.stderr[-2000:])
    assert says in lines[0], (args, lines[0])
    assert len(lines[0]) < 400, (args, len(lines[0]))
    assert folder_state(folder) == before, args
    return lines[0]


def runs(folder, *args):
    result = command(folder, *args)
    assert result.returncode == 0, (args, result.stderr[-2000:])
    return result.stdout


@pytest.fixture
def folder(tmp_path):
    runs(tmp_path, "new", "layered", 2, 2, 1, "-o", "net.json")
    (tmp_path / "xor.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    return tmp_path


def test_huge_and_tiny_values_are_shown_in_scientific_notation(folder):
    out = runs(folder, "explain", "net.json", "--x", "1e24", "4", "--y", "1", "--digits", "17")
    assert "×10^24" in out
    doc = json.loads((folder / "net.json").read_text())
    for edge in doc["edges"]:
        edge["weight"] = 1e100  # the largest a weight may be
    (folder / "big.json").write_text(json.dumps(doc))
    out = runs(folder, "explain", "big.json", "--x", "3", "4", "--format", "latex")
    assert r"\times 10^{100}" in out
    runs(folder, "draw", "big.json", "-o", "big.png", "--values", "a", "--x", "3", "4")


@pytest.mark.parametrize("args, says", [
    (("explain", "net.json", "--x", "1", "2", "--digits", "28"), "digits must be"),
    (("explain", "net.json", "--x", "-inf", "4"), "x must be finite"),
    (("explain", "net.json", "--x", "1", "2", "--y", "1", "--lr", "-1"), "lr must be positive"),
    (("train", "net.json", "xor.csv", "--lr", "1", "--epochs", "0", "-o", "out.json"),
     "epochs must be"),
    (("train", "net.json", "xor.csv", "--lr", "1", "--epochs", "5", "--seed", "-1", "-o",
      "out.json"), "seed must be ≥ 0"),
    (("new", "layered", "2", "2", "1", "--seed", "-5", "-o", "new.json"), "seed must be ≥ 0"),
    (("new", "layered", "2", "99999999999", "1", "-o", "new.json"),
     "an integer from 0 to 2147483647"),
    (("new", "layered", "2", "100000", "100000", "-o", "new.json"), "fit in memory"),
    (("draw", "net.json", "-o", "t.png", "--title", r"$\frac{$"), "is not valid mathtext"),
    (("train", "net.json", "xor.csv", "--lr", "1", "--epochs", "5", "-o", "out.json", "--plot",
      "nodir/c.png"), "does not exist"),
    (("train", "net.json", "xor.csv", "--lr", "1", "--epochs", "5", "-o", "out.json", "--plot",
      "c.jpg"), "must end in .png, .svg, .pdf"),
    (("train", "net.json", "xor.csv", "--lr", "1e300", "--epochs", "5", "-o", "out.json"),
     "diverged"),
])
def test_hostile_command_lines_get_one_line_and_change_nothing(folder, args, says):
    refused(folder, *args, says=says)


def test_negative_numbers_in_scientific_notation_are_values(folder):
    out = runs(folder, "explain", "net.json", "--x", "-1e-3", "4")
    assert "a_1 = x_1 = −0.001" in out


def test_deeply_nested_json_is_refused_in_one_line(folder):
    (folder / "deep.json").write_text('{"format": "neurograph", "x": ' + "[" * 100_000
                                      + "]" * 100_000 + "}")
    refused(folder, "explain", "deep.json", "--x", "1", "2", says="nested too deeply")


def test_long_csv_fields_and_rows_are_refused_with_an_excerpt(folder):
    (folder / "long.csv").write_text("0,0," + "1" * 200_000 + "\n")
    refused(folder, "train", "net.json", "long.csv", "--lr", "1", "--epochs", "1", "-o",
            "out.json", says="line 1")
    (folder / "wide.csv").write_text(",".join(["1"] * 200_000) + "\n")
    refused(folder, "train", "net.json", "wide.csv", "--lr", "1", "--epochs", "1", "-o",
            "out.json", says="expected 3 finite numbers")
    doc = json.loads((folder / "net.json").read_text())
    doc["edges"][0]["weight"] = "9" * 1_000_000
    (folder / "string.json").write_text(json.dumps(doc))
    refused(folder, "explain", "string.json", "--x", "1", "2", says="expected a finite number")


def test_a_replaced_file_keeps_its_mode(folder):
    os.chmod(folder / "net.json", 0o600)
    runs(folder, "new", "layered", 2, 3, 1, "-o", "net.json")
    assert stat.S_IMODE((folder / "net.json").stat().st_mode) == 0o600
    runs(folder, "train", "net.json", "xor.csv", "--lr", 1, "--epochs", 2, "-o", "net.json")
    assert stat.S_IMODE((folder / "net.json").stat().st_mode) == 0o600


def test_big_networks_are_summarised_in_one_line_and_drawn_as_blocks(folder):
    out = runs(folder, "new", "layered", 20, 5000, 1, "-o", "big.json")
    assert out.strip() == "wrote big.json: 20 inputs, 5,000 hidden, 1 output, 110,001 weights"
    # too many to draw neuron by neuron: blocks of neurons with their counts (issue 27)
    assert runs(folder, "draw", "big.json", "-o", "big.png").strip() == "wrote big.png"
    assert (folder / "big.png").read_bytes().startswith(b"\x89PNG")
    import neurograph as ng
    big = ng.load(folder / "big.json")
    with pytest.raises(ng.NetworkError, match="too many to draw legibly"):
        ng.plot_network(big, blocks=False)


def test_every_argument_of_every_command_has_help():
    import argparse

    from neurograph.cli import parser
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    checked = 0
    for name, command in commands.choices.items():
        for action in command._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, (name, action.dest)
                checked += 1
    assert set(commands.choices) == {"example", "new", "explain", "draw", "train", "exercise",
                                     "grade"}
    assert checked > 30


# ------------------------------------------------------------------------------- the API


@pytest.mark.parametrize("call, says", [
    (lambda net: net.sgd_step([3, 4], [1], lr=1e308), "the weights were left as they were"),
    (lambda net: net.sgd_step([3, 4], [1], lr=1e307, weight_decay=1.0),
     "the weights were left as they were"),
    (lambda net: net.fit([[3, 4]], [1], shuffle="no"), "shuffle must be True or False"),
    (lambda net: net.fit([[3, 4]], [1], decay_bias="no"), "decay_bias must be True or False"),
    (lambda net: net.fit([[3, 4]], [1], progress="yes"), "progress must be True or False"),
    (lambda net: net.explain([3, 4], carry_rounded="yes"), "carry_rounded must be True or False"),
    (lambda net: net.plot(title=r"$\frac{$"), "is not valid mathtext"),
])
def test_hostile_api_calls_leave_the_weights_as_they_were(call, says):
    net = lecture_network()
    before = dict(net.w)
    with pytest.raises(ng.NetworkError, match=says):
        call(net)
    assert dict(net.w) == before


def test_a_refused_step_is_undone_exactly_and_training_diverges_alike_in_both_engines():
    net = lecture_network()
    net.forward([3, 4])
    before = snapshot(net)
    with pytest.raises(ng.DivergedError):
        net.sgd_step([3, 4], [1], lr=1e308)
    assert dict(net.w) == dict(lecture_network().w)
    assert snapshot(net) != before  # the neurons hold the refused example's passes (documented)
    X, Y = ng.datasets.xor()
    outcomes = []
    for engine in ("reference", "vectorized"):
        twin = ng.Network.layered([2, 2, 1], seed=0)
        start = dict(twin.w)
        with pytest.raises(ng.DivergedError, match="diverged in epoch 1") as info:
            twin.fit(X, Y, lr=1e300, epochs=3, batch_size=None, engine=engine)
        assert info.value.history.stopped == "diverged" and dict(twin.w) == start
        outcomes.append(str(info.value))
    assert outcomes[0] == outcomes[1]


def test_sums_that_overflow_are_refused_alike_by_both_engines():
    # ∞ − ∞ (NaN) in one sum, one way (∞) in another: BLAS's fused multiply-adds and the
    # reference engine's running sum need not agree on which, so both refuse either
    net = ng.Network.from_weights({(1, 3): 10.0, (2, 3): -10.0, (1, 4): 10.0},
                                  activation="identity")
    net.forward([1.0, 1.0])
    before = snapshot(net)
    for x, j in (([1e308, 1e308], 3), ([1e308, 0.0], 3)):  # ∞ − ∞, then ∞ (in_4 too: first met)
        with pytest.raises(ng.NetworkError, match=rf"the sum in_{j} overflowed"):
            net.forward(x)
        messages = []
        for engine in ("reference", "vectorized"):
            with pytest.raises(ng.NetworkError) as info:
                net.predict([[0.0, 0.0], x], engine=engine)
            messages.append(str(info.value))
        assert messages[0] == messages[1] and f"in_{j} overflowed" in messages[0]
    assert snapshot(net) == before
    assert net.forward([1e300, 1e300]).tolist() == [0.0, 1e301]  # large, but finite: fine


# --------------------------------------------------------------------- killed mid-write


def test_a_writer_killed_mid_save_leaves_the_file_whole_and_nothing_fresh_behind(tmp_path):
    target = tmp_path / "big.json"
    writer = tmp_path / "writer.py"
    writer.write_text(
        "import neurograph as ng, sys\n"
        "net = ng.Network.layered([300, 1000, 1], seed=0)\n"
        "net.save(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    net.save(sys.argv[1])\n")
    process = subprocess.Popen([sys.executable, str(writer), str(target)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    expected = ng.load(target).to_document()
    time.sleep(0.7)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert ng.load(target).to_document() == expected  # whole, never half-written
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".big.json.")]
    for leftover in leftovers:  # a killed writer may leave its temporary file …
        os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    lecture_network().save(target)  # … which the next save into the folder removes once stale
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------ fuzzing the readers

VALID_JSON = None
VALID_TEXT = None


def valid_files(tmp_path_factory):
    global VALID_JSON, VALID_TEXT
    if VALID_JSON is None:
        folder = tmp_path_factory.mktemp("valid")
        net = lecture_network()
        net.freeze(1, 3)
        VALID_JSON = net.save(folder / "n.json").read_text()
        VALID_TEXT = net.save(folder / "n.txt").read_text()
    return VALID_JSON, VALID_TEXT


@st.composite
def mutated(draw, text):
    """`text` with a few characters replaced, inserted or deleted, or a value swapped."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        how = draw(st.sampled_from(["replace", "insert", "delete", "value"]))
        piece = draw(st.sampled_from(['"', "{", "}", "[", "]", ",", ":", "-", "0", "1e999",
                                      "NaN", "true", "null", "#", "\n", " ", "9" * 12, "x",
                                      "é", "\x00", "-1", "2147483648", "0.5"]))
        if how == "replace":
            text = text[:at] + piece + text[at + 1:]
        elif how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text.replace(draw(st.sampled_from(["5.0", "1", "3", "logistic", "true",
                                                      "output", "hidden", "inputs"])), piece, 1)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_files_load_or_raise_a_network_error(data, tmp_path_factory):
    good_json, good_text = valid_files(tmp_path_factory)
    folder = tmp_path_factory.mktemp("fuzz")
    for name, text in (("f.json", good_json), ("f.txt", good_text)):
        path = folder / name
        path.write_text(data.draw(mutated(text)), encoding="utf-8")
        try:
            net = ng.load(path)
        except ng.NetworkError as error:
            assert len(str(error)) < 1000 and "\n" not in str(error).strip()
        else:
            again = folder / f"again{Path(name).suffix}"
            net.save(again)
            assert ng.load(again).to_document() == net.to_document()


def test_file_faults_name_their_place(tmp_path):
    net = lecture_network()
    text = net.save(tmp_path / "net.json").read_text()
    (tmp_path / "nan.json").write_text(text.replace('"weight": 5.0', '"weight": NaN'))
    with pytest.raises(ng.NetworkError, match=r"nan.json: line \d+, column \d+: NaN is not a "
                                              r"number a network can hold"):
        ng.load(tmp_path / "nan.json")
    (tmp_path / "net.txt").write_text("0 3 5\n1 3 1\n# a comment\n3 3 1\n")
    with pytest.raises(ng.NetworkError, match=r"net.txt: line 4: edge \(3, 3\) is a self-loop"):
        ng.load(tmp_path / "net.txt")


def test_a_graphs_frozen_attribute_must_be_a_real_boolean():
    import networkx as nx
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=0.5, frozen="false")
    with pytest.raises(ng.NetworkError, match="'frozen' attribute of edge \\(1, 2\\) must be "
                                              "True or False; received 'false'"):
        ng.Network.from_networkx(G)
    G.edges[1, 2]["frozen"] = False
    assert ng.Network.from_networkx(G).frozen == []
