"""Promises kept under attack (issue 24): the command line, numbers written as text, refusals.

Every refusal is a NetworkError that says what was expected and what was received, in one
short line on the command line (never a traceback), and leaves every file and network as it
was; no weight turns non-finite or leaves ±1e100, an RBM's included. Each case here failed
before its fix: a traceback, a silent ∞ or NaN, a value accepted that is refused elsewhere, or
a message too long to read.
"""

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import neurograph as ng
from neurograph.checks import parse_real, parse_whole
from support import lecture_network, snapshot
from test_hostile import folder_state, refused, runs

EDGES = "inputs 1 2\noutputs 3\n0 3 0.5\n1 3 1\n2 3 -2\n"
"""A small edge list; the cases below spoil one line of it."""

X_XOR, Y_XOR = ng.datasets.xor()


@pytest.fixture
def folder(tmp_path):
    """A folder holding a network (net.json, net.txt), an RBM (rbm.json) and XOR (xor.csv)."""
    runs(tmp_path, "new", "layered", 2, 2, 1, "-o", "net.json")
    (tmp_path / "net.txt").write_text(EDGES)
    ng.RBM(3, 2, seed=0).save(tmp_path / "rbm.json")
    (tmp_path / "xor.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    return tmp_path


# ------------------------------------------------------------ numbers written as text


@pytest.mark.parametrize("spoilt, says", [
    (("0 3 0.5", "0 ³ 0.5"), "line 3: expected a neuron id"),         # str.isdigit took ³
    (("inputs 1 2", "inputs ¹ 2"), "line 1: expected a neuron id"),
    (("outputs 3", "outputs ٣"), "line 2: expected a neuron id"),     # int() took ٣ as 3
    (("0 3 0.5", "0 3 0.5\nfrozen ¹ 3"), "line 4: expected a neuron id"),
    (("0 3 0.5", "0 3 0.5\ntie 1 3 ² 3"), "line 4: expected a neuron id"),
    (("0 3 0.5", "0 3 0.5\nbatchnorm ³"), "line 4: expected a neuron id"),
    (("0 3 0.5", "0 3 ٠.5"), "the weight '٠.5' is not a number written in ASCII digits"),
    (("0 3 0.5", "0 3 1_0.5"), "the weight '1_0.5' is not a number written in ASCII digits"),
    (("0 3 0.5", "0 3 0.5\nbatchnorm 3 gamma=１"), "gamma='１' is not a number written in ASCII"),
    (("0 3 0.5", "0 3 0.5\nbatchnorm 3 gamma=1 gamma=2"), "line 4: gamma is given twice"),
    (("0 3 0.5", "0 3 0.5\nactivation 3 tanh\nactivation 3 relu"),
     r"line 5: neuron 3's activation is given twice \(first on line 4\)"),
    (("0 3 0.5", "0 3 0.5\naggregation 3 max\naggregation 3 product"),
     "line 5: neuron 3's aggregation is given twice"),
    (("0 3 0.5", "0 3 0.5\nbatchnorm 3\nbatchnorm 3 beta=1"),
     "line 5: neuron 3's batch norm is given twice"),
    (("inputs 1 2", "inputs 1 2\ninputs 2 1"), "line 2: the inputs is given twice"),
    (("inputs 1 2", "activation tanh\nactivation relu\ninputs 1 2"),
     "line 2: the default activation is given twice"),
])
def test_edge_list_numbers_are_ascii_and_no_setting_is_given_twice(tmp_path, spoilt, says):
    path = tmp_path / "net.txt"
    path.write_text(EDGES.replace(*spoilt), encoding="utf-8")
    with pytest.raises(ng.NetworkError, match=says):
        ng.load(path)


def test_unicode_digits_in_an_edge_list_and_on_the_command_line_are_one_line(folder):
    (folder / "sup.txt").write_text(EDGES.replace("0 3 0.5", "0 ³ 0.5"), encoding="utf-8")
    refused(folder, "explain", "sup.txt", "--x", 1, 2, says="sup.txt: line 3: expected a neuron "
                                                          "id, an integer from 0 to 2147483647")
    refused(folder, "train", "net.json", "xor.csv", "--lr", 1, "--epochs", 1, "-o", "out.json",
            "--batch-size", "³", says="argument --batch-size: expected a whole number or 'full'",
            status=2)
    refused(folder, "new", "layered", "٣", 1, "-o", "new.json", status=2,
            says="argument SIZE: the value must be written in ASCII digits")
    refused(folder, "explain", "net.json", "--x", "1_0", 2, status=2,
            says="argument --x: the value must be written in ASCII digits")
    (folder / "arabic.csv").write_text("0,0,0\n0,١,1\n", encoding="utf-8")
    refused(folder, "train", "net.json", "arabic.csv", "--lr", 1, "--epochs", 1, "-o",
            "out.json", says="arabic.csv: line 2: expected 3 numbers")


@given(st.text(max_size=12))
@example("١")        # int() and float() read every script's decimal digits
@example("1_000")    # and underscores
@example("³")        # str.isdigit accepts superscripts, which int() refuses
@example(" -1.5e-3 ")
@example("-Infinity")
@example("\x0c1")     # float() strips a form feed too; a number in a file or argument need not
def test_parse_real_reads_what_float_reads_in_ascii_and_nothing_else(text):
    try:
        value = float(text)
    except ValueError:
        value = None
    core = text.strip(" \t\r\n")
    plain = core.isascii() and core.isprintable() and "_" not in core
    if value is not None and plain:
        assert parse_real(text) == value or (math.isnan(value) and math.isnan(parse_real(text)))
    else:
        with pytest.raises(ng.NetworkError, match="must be written in ASCII digits"):
            parse_real(text)


@given(st.text(max_size=12))
@example("٣")
@example("³")
@example("+42")
@example("1_0")
def test_parse_whole_reads_ascii_digits_only(text):
    word = text.strip(" \t\r\n")
    digits = word[1:] if word[:1] in "+-" and word else word
    if digits.isascii() and digits.isdigit():
        assert parse_whole(text) == int(word)
    else:
        with pytest.raises(ng.NetworkError, match="must be written in ASCII digits"):
            parse_whole(text)


def test_parse_whole_refuses_a_number_longer_than_any_count():
    with pytest.raises(ng.NetworkError, match="at most 100 digits; received 5000"):
        parse_whole("9" * 5000)  # int() itself refuses beyond 4,300 digits


# ------------------------------------------------------------ the command line


def test_huge_arguments_are_quoted_by_an_excerpt(folder):
    huge = "9" * 5000
    for args, status in ((("new", "layered", huge, 1, "-o", "new.json"), 2),
                         (("explain", "net.json", "--x", 1, "a" * 5000), 2),
                         (("train", "net.json", "xor.csv", "--lr", 1, "--epochs", 1, "-o",
                           "out.json", "--batch-size", huge), 2),
                         (("z" * 5000,), 2),
                         (("explain", "n" * 5000 + ".json", "--x", 1, 2), 1)):
        line = refused(folder, *args, says="...", status=status)
        assert len(line) < 300, line


def test_a_file_name_with_a_line_break_is_named_on_one_line(folder):
    refused(folder, "explain", "no\nsuch.json", "--x", 1, 2, says="no\\nsuch.json: no such file")


def test_epsilon_beyond_the_weight_limit_is_refused(folder):
    refused(folder, "new", "layered", 2, 2, 1, "--epsilon", "1e308", "-o", "new.json",
            says="epsilon (ε) must be ≥ 0 and below 1e+100")


@pytest.mark.parametrize("args, says", [
    (("explain", "rbm.json", "--x", 1, 0, 1), 'rbm.json holds an RBM (kind "rbm"); explain takes'),
    (("train", "rbm.json", "xor.csv", "--lr", 1, "--epochs", 1, "-o", "out.json"),
     'rbm.json holds an RBM (kind "rbm"); train takes'),
    (("draw", "rbm.json", "-o", "rbm.png", "--values", "a", "--x", 1, 0, 1),
     "rbm.json holds an RBM, drawn as a PNG, SVG or PDF picture with an optional --title; "
     "received --values, --x"),
    (("draw", "rbm.json", "-o", "rbm.tex"), "received a .tex file name"),
    (("draw", "rbm.json", "-o", "rbm.png", "--title", r"$\frac{$"), "is not valid mathtext"),
    (("train", "net.json", "xor.csv", "--lr", 1, "--epochs", 1, "-o", "out.json", "--plot",
      "cost.tex"), "the chart's file name must end in .png, .svg, .pdf"),
])
def test_an_rbm_file_is_refused_where_it_cannot_go(folder, args, says):
    refused(folder, *args, says=says)


def test_an_rbm_file_is_drawn(folder):
    before = folder_state(folder)
    assert runs(folder, "draw", "rbm.json", "-o", "rbm.png", "--title", "CD-1").strip() \
        == "wrote rbm.png"
    after = folder_state(folder)
    assert set(after) - set(before) == {Path("rbm.png")} and after[Path("rbm.json")] \
        == before[Path("rbm.json")]
    assert (folder / "rbm.png").read_bytes().startswith(b"\x89PNG")


# ------------------------------------------------------------ RBMs


def test_an_rbm_too_large_for_memory_is_refused_before_allocating():
    with pytest.raises(ng.NetworkError, match=r"an RBM of 1,000,000 visible and 1,000,000 "
                                              r"hidden neurons has 1,000,002,000,000 edges; at "
                                              r"most 50,000,000 fit in memory"):
        ng.RBM(10 ** 6, 10 ** 6)


@pytest.mark.parametrize("lr", [1e300, 1.7e308])
def test_an_rbm_that_diverges_keeps_its_weights(tmp_path, lr):
    X = np.array([[1, 0, 1], [0, 1, 1]] * 5, dtype=float)
    rbm = ng.RBM(3, 2, seed=0)
    before = rbm.to_document()
    with pytest.raises(ng.DivergedError, match="diverged in epoch 1") as info:
        rbm.fit(X, lr=lr, epochs=3)
    assert info.value.history.stopped == "diverged" and info.value.history.epochs == 0
    assert rbm.to_document() == before
    assert ng.load(rbm.save(tmp_path / "rbm.json")).to_document() == before


def test_an_rbm_that_trains_within_the_limit_still_trains():
    X = np.array([[1, 0, 1], [0, 1, 1]] * 5, dtype=float)
    rbm = ng.RBM(3, 2, seed=0)
    history = rbm.fit(X, lr=1e99, epochs=3)  # huge weights, but within ±1e100
    assert history.epochs == 3 and np.abs(rbm.W).max() <= 1e100


@pytest.mark.parametrize("call, says", [
    (lambda rbm: rbm.plot(values="a"), r"an RBM's picture takes path, ax and title; received "
                                       r"values='a'"),
    (lambda rbm: rbm.plot(bias="node", x=[1, 0, 1]), "received bias='node', x=\\[1, 0, 1\\]"),
    (lambda rbm: ng.RBM.from_document(None), "the top level: expected an object"),
])
def test_an_rbm_refuses_what_is_not_for_it(call, says):
    with pytest.raises(ng.NetworkError, match=says):
        call(ng.RBM(3, 2, seed=0))


# ------------------------------------------------------- every path refuses what forward does

OVERFLOWING = [1e308, 1e308]
FORWARD_SAYS = (r"for x = \[1e\+308, 1e\+308\] \(a list\) the sum in_3 overflowed \(it is ±∞ "
                r"or not a number\)")


def overflowing_network():
    """in_3 = 10 x_1 − 10 x_2 overflows for x = (1e308, 1e308); in_4 = 10 x_1 too."""
    return ng.Network.from_weights({(1, 3): 10.0, (2, 3): -10.0, (1, 4): 10.0},
                                   activation="identity")


@pytest.mark.parametrize("call", [
    lambda net: net.forward(OVERFLOWING),
    lambda net: net.explain(OVERFLOWING),
    lambda net: net.explain(OVERFLOWING, [0, 0], lr=0.1),
    lambda net: net.cost_and_grad(net.theta(), [OVERFLOWING], [[0, 0]]),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="lbfgs", epochs=3),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="cg", epochs=3),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="sgd", epochs=3,
                        engine="reference"),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="adam", epochs=3,
                        engine="vectorized"),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="rprop", epochs=3),
    lambda net: net.fit([OVERFLOWING], [[0, 0]], optimizer="tnc", epochs=3),
], ids=["forward", "explain", "explain-lr", "cost_and_grad", "lbfgs", "cg", "sgd", "adam",
        "rprop", "tnc"])
def test_every_path_refuses_what_forward_refuses_and_changes_nothing(call):
    net = overflowing_network()
    net.forward([1.0, 1.0])
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=FORWARD_SAYS) as info:
        call(net)
    assert not isinstance(info.value, ng.DivergedError)  # the example, not the learning rate
    if snapshot(net) != before:  # fit clears the neurons' values (documented); nothing else
        assert dict(net.w) == dict(overflowing_network().w) and net.stage is None


def test_cost_and_grad_refuses_an_infinite_j_that_forward_cannot_see():
    net = overflowing_network()
    net.forward([2.0, 1.0])
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=r"J\(θ\) or its gradient is not finite at this θ "
                                              r"\(J = inf\)"):
        net.cost_and_grad(net.theta(), [[1.0, 1.0]], [[1e308, 0.0]])
    assert snapshot(net) == before


@pytest.mark.parametrize("optimizer", ["lbfgs", "cg", "bfgs", "tnc"])
def test_scipy_optimizers_refuse_an_infinite_start_instead_of_converging(optimizer):
    net = overflowing_network()
    net.forward([2.0, 1.0])
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=r"J\(θ\) = inf at the weights training starts "
                                              r"from: .* needs a finite J to start"):
        net.fit([[1.0, 1.0]], [[1e308, 0.0]], optimizer=optimizer, epochs=3)
    assert snapshot(net) == before


@pytest.mark.parametrize("optimizer", ["lbfgs", "cg", "bfgs", "tnc"])
def test_scipy_optimizers_with_every_weight_frozen_are_refused(optimizer):
    net = ng.Network.layered([2, 2, 1], seed=0)
    for i, j in list(net.w):
        net.freeze(i, j)
    with pytest.raises(ng.NetworkError, match=rf"optimizer='{optimizer}' minimizes J\(θ\) over "
                                              rf"the trainable weights, and there are none"):
        net.fit(X_XOR, Y_XOR, optimizer=optimizer, epochs=2)
    history = net.fit(X_XOR, Y_XOR, optimizer="sgd", epochs=2)  # epochs that change nothing
    assert history.epochs == 2 and history.loss[0] == history.loss[1]


def test_cascade_correlation_refuses_what_its_loss_cannot_take_and_never_records_nan():
    with pytest.raises(ng.NetworkError, match=r"the log loss needs targets y_k in \[0, 1\]; "
                                              r"received array\(\[\[2\.\], \[0\.\]\]\)"):
        ng.cascade_correlation([[0, 0], [1, 1]], [[2], [0]], max_hidden=1)
    with pytest.raises(ng.NetworkError, match="J\\(w\\) is not finite: the examples or targets "
                                              "are too large"):
        ng.cascade_correlation([[1e308, 0], [0, 1e308]], [[1], [0]], max_hidden=1)
    _, history = ng.cascade_correlation([[1e150, 0], [0, 1], [1, 1], [0, 0]],
                                        [[1], [0], [0], [1]], max_hidden=2)
    assert all(math.isfinite(entry["loss"]) for entry in history)


@pytest.mark.parametrize("option, value, says", [
    ("validation_fraction", math.nan, "validation_fraction must be finite"),
    ("validation_fraction", 0, "validation_fraction must be a fraction strictly between 0 and 1"),
    ("validation_fraction", 1, "validation_fraction must be a fraction strictly between 0 and 1"),
    ("stop_error", math.nan, "stop_error must be finite"),
    ("stop_error", -1, "stop_error must be a fraction of the examples from 0 up to"),
    ("activations", "tanh", "activations must be a sequence of activation names"),
    ("activations", None, "activations must be a sequence of activation names"),
    ("activations", ("softmax",), "softmax cannot be theirs"),
])
def test_evolve_checks_its_options_up_front(option, value, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.evolve(X_XOR, Y_XOR, population=4, generations=1, **{option: value})


def test_evolve_refuses_targets_its_loss_cannot_score():
    with pytest.raises(ng.NetworkError, match=r"the log loss needs targets y_k in \[0, 1\]"):
        ng.evolve(X_XOR, 2 * Y_XOR, population=4, generations=1, loss="log")
    with pytest.raises(ng.NetworkError, match="the squared loss on the validation examples is "
                                              "not finite for a starting network"):
        ng.evolve(X_XOR, 1e200 * Y_XOR, population=4, generations=1)


def test_a_numpy_array_is_described_on_one_line():
    assert ng.errors.describe(np.array([[2.0], [0.0]])) == "array([[2.], [0.]]) (a ndarray)"


# ---------------------------------------------------------------------- messages


def test_a_long_cycle_is_named_by_its_length_and_its_ends():
    n = 100_000
    edges = {(i, i + 1): 1.0 for i in range(1, n)}
    edges[n, 1] = 1.0
    edges[0, 1] = 1.0
    with pytest.raises(ng.CycleError) as info:
        ng.Network.from_weights(edges)
    assert str(info.value) == ("edge (100000, 1) closes a cycle of 100,000 neurons, 1 → 2 → 3 → 4 "
                               "→ 5 → … → 99997 → 99998 → 99999 → 100000 → 1; feedforward "
                               "networks are acyclic")
    assert info.value.cycle == [*range(1, n + 1), 1]


@pytest.mark.parametrize("W, says", [
    ([[1 + 2j, 1.0]], r"W\^2\[0, 0\] must be a real number; received \(1\+2j\) \(a complex\)"),
    ([["1.5", "2"]], r"W\^2\[0, 0\] must be a real number; received '1.5'"),
    ([[True, False]], r"W\^2\[0, 0\] must be a real number; received True"),
    ([[None, 1.0]], r"W\^2\[0, 0\] must be a real number; received None"),
    (np.zeros((0, 2)), r"at least one neuron in every layer; .* layers of \[2, 0\] neurons"),
])
def test_from_layers_checks_what_from_weights_checks(W, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.Network.from_layers([W], [[0.0] * len(W)])
    if len(W):  # the same value, refused by from_weights in the same words
        with pytest.raises(ng.NetworkError, match=says.split("must")[1]):
            ng.Network.from_weights({(1, 3): W[0][0]})


def test_conflicting_values_for_a_tied_group_are_refused_naming_both():
    net = ng.Network.layered([2, 2, 1], seed=0)
    net.tie([(1, 3), (2, 4)])
    before = dict(net.w)
    with pytest.raises(ng.NetworkError, match=r"edges \(1, 3\) and \(2, 4\) are tied \(one "
                                              r"shared weight\); set_weights received 0.5 for "
                                              r"one and 0.7 for the other"):
        net.set_weights({(1, 3): 0.5, (2, 4): 0.7})
    assert dict(net.w) == before
    net.set_weights({(1, 3): 0.5, (2, 4): 0.5})  # the same value twice is one value
    assert net.w[2, 4] == 0.5


@pytest.mark.parametrize("call, says", [
    (lambda net: net.set_weights("abc"), r"set_weights takes a mapping \{\(i, j\): w\}; "
                                         r"received 'abc'"),
    (lambda net: net.set_weights(None), "set_weights takes a mapping"),
    (lambda net: ng.Network.layered([2, 1], skip="yes"), "skip must be True or False"),
])
def test_building_refuses_what_it_would_misread(call, says):
    net = lecture_network()
    before = snapshot(net)
    with pytest.raises(ng.NetworkError, match=says):
        call(net)
    assert snapshot(net) == before

