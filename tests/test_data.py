"""one_hot, classes, min-max scaling and the bundled datasets."""

import numpy as np
import pytest

import neurograph as ng


def test_one_hot_as_in_seed_001():
    # y = 1 ⇒ (1, 0, 0), y = 2 ⇒ (0, 1, 0), y = 3 ⇒ (0, 0, 1) — here with labels from 0
    np.testing.assert_array_equal(ng.one_hot([0, 1, 2]), np.eye(3))
    assert ng.one_hot([1], n_classes=4).tolist() == [[0, 1, 0, 0]]
    for bad in ([0.5], [-1], [[0, 1]], ["a"]):
        with pytest.raises(ng.NetworkError, match="non-negative integers"):
            ng.one_hot(bad)
    with pytest.raises(ng.NetworkError, match="n_classes = 2 and a label 2"):
        ng.one_hot([0, 2], n_classes=2)


def test_classes_take_the_highest_output_or_threshold_one_output():
    # seed 001: ŷ = (0.03, 0.57, 0.24) predicts the second class
    assert ng.classes([[0.03, 0.57, 0.24], [0.9, 0.1, 0.0]]).tolist() == [1, 0]
    assert ng.classes([[0.49], [0.5], [0.93]]).tolist() == [0, 1, 1]


def test_minmax_maps_each_attribute_to_minus_one_one():
    X = np.array([[3.0, -10.0, 7.0], [5.0, 30.0, 7.0], [4.0, 10.0, 7.0]])
    scaled = ng.MinMaxScaler().fit_transform(X)
    np.testing.assert_allclose(scaled, [[-1, -1, 0], [1, 1, 0], [0, 0, 0]])
    scaler = ng.MinMaxScaler(0, 1).fit(X)
    np.testing.assert_allclose(scaler.transform([[6.0, 50.0, 8.0]]), [[1.5, 1.5, 0.5]])
    with pytest.raises(ng.NetworkError, match="call fit"):
        ng.MinMaxScaler().transform(X)
    with pytest.raises(ng.NetworkError, match=r"3 values per example; received shape \(1, 2\)"):
        scaler.transform([[1.0, 2.0]])
    with pytest.raises(ng.NetworkError, match="low must be below high"):
        ng.MinMaxScaler(1, 1)


@pytest.mark.parametrize("name, column", [("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]),
                                          ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0])])
def test_truth_tables(name, column):
    X, Y = ng.datasets.truth_table(name)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert Y.ravel().tolist() == column
    shortcut = {"xor": ng.datasets.xor, "and": ng.datasets.and_, "or": ng.datasets.or_,
                "nand": ng.datasets.nand}[name]
    assert shortcut()[1].tolist() == Y.tolist()


def test_unknown_truth_table():
    with pytest.raises(ng.NetworkError, match="unknown truth table 'nor'"):
        ng.datasets.truth_table("nor")


def test_digits_are_split_stratified_and_seeded():
    split = ng.datasets.digits(test_size=0.25, seed=0)
    assert split.X_train.shape[1] == split.X_test.shape[1] == 64
    assert len(split.X_train) + len(split.X_test) == 1797
    assert 0 <= split.X_train.min() and split.X_train.max() <= 1
    train_counts = np.bincount(split.y_train, minlength=10)
    test_counts = np.bincount(split.y_test, minlength=10)
    np.testing.assert_allclose(test_counts / (train_counts + test_counts), 0.25, atol=0.01)
    again = ng.datasets.digits(test_size=0.25, seed=0)
    other = ng.datasets.digits(test_size=0.25, seed=1)
    np.testing.assert_array_equal(split.X_test, again.X_test)
    assert not np.array_equal(split.y_test, other.y_test)
    with pytest.raises(ng.NetworkError, match="test_size must be between 0 and 1"):
        ng.datasets.digits(test_size=1.0)


# ------------------------------------------------------------------ the Reber grammar

def is_reber(string):
    """Reber's grammar written out as its own little automaton (not the dataset's table)."""
    arcs = {1: {"T": 2, "P": 3}, 2: {"S": 2, "X": 4}, 3: {"T": 3, "V": 5},
            4: {"X": 3, "S": 6}, 5: {"P": 4, "V": 6}, 6: {"E": 0}}
    if not string.startswith("B"):
        return False
    state = 1
    for symbol in string[1:]:
        if state == 0 or symbol not in arcs[state]:
            return False
        state = arcs[state][symbol]
    return state == 0


def test_embedded_reber_strings_follow_the_grammar_and_the_targets_are_the_next_symbol():
    data = ng.datasets.reber(300, seed=3)
    for e, string in enumerate(data.strings):
        assert string[0] == "B" and string[1] in "TP" and string[-2:] == string[1] + "E"
        assert is_reber(string[2:-2]), string
        T = len(string)
        symbols = "".join("BTPSXVE"[k] for k in data.X[e, :T].argmax(axis=1))
        assert symbols == string and not data.X[e, T:].any()  # zero padding after the end
        np.testing.assert_array_equal(data.Y[e, :T - 1], data.X[e, 1:T])
        assert np.isnan(data.Y[e, T - 1:]).all()  # no target after the final E
        assert all(data.possible[e, t, "BTPSXVE".index(string[t + 1])] for t in range(T - 1))
        assert data.possible[e, T - 3].sum() == 1  # the repeated T or P: one choice only
    assert {s[1] for s in data.strings} == {"T", "P"}
    assert max(len(s) for s in data.strings) == data.X.shape[1]


def test_plain_reber_strings_and_seeds():
    data = ng.datasets.reber(50, seed=0, embedded=False)
    assert all(is_reber(s) for s in data.strings)
    assert "".join(c for c in "BTPSXVE" if data.possible[0, 0, "BTPSXVE".index(c)]) == "TP"
    assert ng.datasets.reber(20, seed=7).strings == ng.datasets.reber(20, seed=7).strings
    assert ng.datasets.reber(20, seed=7).strings != ng.datasets.reber(20, seed=8).strings


def test_the_success_criterion_of_hochreiter_and_schmidhuber():
    data = ng.datasets.reber(40, seed=1)
    assert data.accepted(data.possible * 0.5 + 0.1).all()  # allowed symbols most active
    assert data.penultimate_right(data.Y).all()
    wrong = data.possible * 1.0
    wrong[5, len(data.strings[5]) - 3] = [0, 1, 1, 0, 0, 0, 0]  # T and P tie: not decided
    accepted = data.accepted(wrong)
    assert not accepted[5] and accepted.sum() == 39
    guess = np.where(np.isnan(data.Y), 0.0, 1.0) / 7  # every symbol alike: nothing decided
    assert not data.accepted(guess).any()
    swapped = data.Y.copy()
    for e, s in enumerate(data.strings):  # the penultimate T and P exchanged
        swapped[e, len(s) - 3, 1:3] = swapped[e, len(s) - 3, 2:0:-1]
    assert not data.penultimate_right(swapped).any()
    assert not data.accepted(np.nan_to_num(swapped)).any()


def test_the_criterion_with_a_threshold():
    data = ng.datasets.reber(30, seed=2)
    P = np.where(data.possible, 0.45, 0.02)  # two allowed symbols at 0.45 each, as a softmax
    assert data.accepted(P, threshold=0.3).all() and data.accepted(P).all()
    assert not data.accepted(P, threshold=0.5).any()  # 0.45 is not above it
    e, t = 4, 5
    P[e, t, ~data.possible[e, t]] = 0.35  # others above the threshold, below the allowed
    accepted = data.accepted(P, threshold=0.3)
    assert not accepted[e] and accepted.sum() == 29 and data.accepted(P).all()
    for bad in ("high", float("nan"), [0.3]):
        with pytest.raises(ng.NetworkError, match="threshold"):
            data.accepted(P, threshold=bad)


@pytest.mark.parametrize("bad, match", [
    (dict(n=0), "number of examples"), (dict(n=2.5), "number of examples"),
    (dict(n=3, seed=-1), "seed"), (dict(n=3, embedded="yes"), "embedded")])
def test_reber_refuses_bad_arguments(bad, match):
    with pytest.raises(ng.NetworkError, match=match):
        ng.datasets.reber(**bad)


def test_the_criterion_refuses_predictions_of_another_shape():
    data = ng.datasets.reber(4, seed=0)
    for method in (data.accepted, data.penultimate_right):
        with pytest.raises(ng.NetworkError, match=r"shape of the targets, \(4, "):
            method(np.zeros((4, 3, 7)))


@pytest.mark.parametrize("bad", ["abc", None, [["a"]], {"P": 1}])
def test_the_criterion_refuses_predictions_that_are_not_numbers(bad):
    data = ng.datasets.reber(4, seed=0)
    for method in (data.accepted, data.penultimate_right):
        with pytest.raises(ng.NetworkError, match=r"predictions P must be an array of numbers "
                                                  r"of the targets' shape \(4, .*received"):
            method(bad)
