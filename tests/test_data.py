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
