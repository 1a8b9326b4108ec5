"""Small datasets for the lectures' experiments. Nothing is ever downloaded.

- The truth tables of XOR, AND, OR and NAND (seed 001: XOR needs a hidden layer;
  seed 002: perceptrons compute AND, OR and NAND).
- scikit-learn's 8×8 handwritten digits, which ship inside scikit-learn (the
  optional extra ``pip install "neurograph[digits]"``): the small cousin of the
  MNIST digits of seed 002.
"""

from collections import namedtuple

import numpy as np

from . import checks
from .errors import NetworkError

__all__ = ["truth_table", "xor", "and_", "or_", "nand", "digits", "Split"]

INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TRUTH_TABLES = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0]}

Split = namedtuple("Split", "X_train y_train X_test y_test")
Split.__doc__ = "A train/test split: inputs as n × p arrays, labels as integer arrays."


def truth_table(name):
    """(X, Y) for a two-input logic gate: X is 4 × 2, Y is 4 × 1.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.truth_table("xor")
    >>> X.tolist(), Y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    if name not in TRUTH_TABLES:
        raise NetworkError(f"unknown truth table {name!r}; expected one of: "
                           f"{', '.join(TRUTH_TABLES)}")
    return INPUTS.copy(), np.array(TRUTH_TABLES[name], dtype=float)[:, None]


def xor():
    """XOR's truth table: (X, Y), not linearly separable."""
    return truth_table("xor")


def and_():
    """AND's truth table: (X, Y)."""
    return truth_table("and")


def or_():
    """OR's truth table: (X, Y)."""
    return truth_table("or")


def nand():
    """NAND's truth table: (X, Y)."""
    return truth_table("nand")


def digits(test_size=0.25, seed=0):
    """scikit-learn's bundled 8×8 digits, split into training and test sets.

    1,797 images of the digits 0–9, each 64 pixels scaled from 0..16 to [0, 1].
    The split is stratified (each digit in proportion) and seeded.

    Parameters
    ----------
    test_size : float, default 0.25
        The share of each digit's images held out for testing.
    seed : int or numpy.random.Generator or None, default 0

    Returns
    -------
    Split
        ``(X_train, y_train, X_test, y_test)``; use :func:`neurograph.one_hot` on
        the labels for a network with one output per digit.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError('the digits need scikit-learn, which ships them: '
                          'pip install "neurograph[digits]"') from None
    test_size = checks.weight(test_size, "test_size")
    if not 0 < test_size < 1:
        raise NetworkError(f"test_size must be between 0 and 1; received {test_size}")
    data = load_digits()
    X, y = data.data / 16.0, data.target.astype(int)
    rng = checks.generator(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[:round(test_size * len(members))]] = True
    return Split(X[~test], y[~test], X[test], y[test])
