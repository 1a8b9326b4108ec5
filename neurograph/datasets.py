"""Small datasets for the lectures' experiments. Nothing is ever downloaded.

- The truth tables of XOR, AND, OR and NAND (Lecture 07-2b: XOR needs a hidden layer;
  #L3: perceptrons compute AND, OR and NAND).
- scikit-learn's 8×8 handwritten digits, which ship inside scikit-learn (the
  optional extra ``pip install "neurograph[digits]"``): the small cousin of the
  MNIST digits of #L3.
- The benchmarks of topology experiments, made by code here and seeded: the
  two spirals (Lang & Witbrock 1988), n-bit parity, and TensorFlow Playground's
  moons, circles and two Gaussians.
- Sequences for recurrent networks: the embedded Reber grammar (Cleeremans, Servan-Schreiber
  and McClelland 1989; Hochreiter and Schmidhuber 1997, Experiment 1), seeded.
"""

from collections import namedtuple

import numpy as np

from . import checks
from .errors import NetworkError, describe

__all__ = ["Reber", "Split", "and_", "circles", "digits", "gauss", "moons", "nand", "or_",
           "parity", "reber", "spirals", "truth_table", "xor"]

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


# ------------------------------------------------------------------ topology benchmarks


def spirals(n=97, seed=0, noise=0.0, phase=0.0):
    """The two-spirals benchmark (Lang & Witbrock 1988): (X, Y), 2·n points, Y 0 or 1.

    Point i of the first spiral (i = 0 … n − 1) lies at angle φ = iπ/16 and radius
    r = 6.5 (104 − i)/104, at (r sin φ, r cos φ); the second spiral is the first
    turned half a turn, (−x, −y). With the default n = 97 these are the 194 points
    of the CMU benchmark that cascade-correlation was measured on. `noise` adds
    Gaussian noise of that standard deviation, drawn from `seed`. `phase` (from 0 up to 1)
    moves every point along its spiral, i becoming i + phase: ``phase=0.5`` gives the 194
    points halfway between the benchmark's, a held-out test set for a search trained on them.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.spirals()
    >>> X.shape, Y.shape, X[0].tolist(), Y[:2].ravel().tolist()
    ((194, 2), (194, 1), [0.0, 6.5], [0.0, 1.0])
    """
    n = checks.option("examples", n)
    noise = checks.option("noise", noise)
    rng = checks.generator(seed)
    if not (isinstance(phase, (int, float)) and not isinstance(phase, bool) and 0 <= phase < 1):
        raise NetworkError(f"phase must be a number from 0 up to 1; received {describe(phase)}")
    i = np.arange(n) + float(phase)
    angle = i * np.pi / 16
    radius = 6.5 * (104 - i) / 104
    first = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    X = np.empty((2 * n, 2))
    X[0::2], X[1::2] = first, -first  # interleaved, as the benchmark lists them
    Y = np.tile([0.0, 1.0], n)[:, None]
    if noise:
        X += rng.normal(0.0, noise, X.shape)
    return X, Y


def parity(n):
    """n-bit parity: every one of the 2ⁿ bit patterns, Y = 1 where it has an odd number of 1s.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.parity(3)
    >>> X.shape, Y.ravel().tolist()
    ((8, 3), [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    """
    n = checks.option("bits", n)
    X = ((np.arange(2 ** n)[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(float)
    return X, (X.sum(axis=1) % 2)[:, None]


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles (as scikit-learn's make_moons): (X, Y), n points.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.moons(n=10, noise=0.0)
    >>> X.shape, int(Y.sum())
    ((10, 2), 5)
    """
    n = checks.option("examples", n)
    noise = checks.option("noise", noise)
    rng = checks.generator(seed)
    outer, inner = n - n // 2, n // 2
    t_out, t_in = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    X = np.vstack([np.column_stack([np.cos(t_out), np.sin(t_out)]),
                   np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)])])
    Y = np.r_[np.zeros(outer), np.ones(inner)][:, None]
    return _shuffled(X + rng.normal(0.0, noise, X.shape) if noise else X, Y, rng)


def circles(n=200, noise=0.05, seed=0):
    """TensorFlow Playground's "circle": Y = 1 inside radius 2.5, 0 on a ring out to 5.

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.circles(n=100, noise=0.0)
    >>> bool((np.hypot(*X[Y[:, 0] == 1].T) <= 2.5).all())
    True
    """
    n = checks.option("examples", n)
    noise = checks.option("noise", noise)
    rng = checks.generator(seed)
    inside, ring = n // 2, n - n // 2
    radius = np.r_[rng.uniform(0, 2.5, inside), rng.uniform(3.5, 5.0, ring)]
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    Y = np.r_[np.ones(inside), np.zeros(ring)][:, None]
    return _shuffled(X + rng.normal(0.0, noise, X.shape) if noise else X, Y, rng)


def gauss(n=200, noise=0.5, seed=0):
    """TensorFlow Playground's "gaussian": two clusters around (2, 2) (Y = 1) and (−2, −2).

    `noise` scales the clusters' spread (standard deviation 1 + 2·noise).

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.gauss(n=50)
    >>> X.shape, int(Y.sum())
    ((50, 2), 25)
    """
    n = checks.option("examples", n)
    noise = checks.option("noise", noise)
    rng = checks.generator(seed)
    half = n // 2
    spread = 1.0 + 2.0 * noise
    X = np.vstack([rng.normal(2.0, spread, (half, 2)), rng.normal(-2.0, spread, (n - half, 2))])
    Y = np.r_[np.ones(half), np.zeros(n - half)][:, None]
    return _shuffled(X, Y, rng)


def _shuffled(X, Y, rng):
    order = rng.permutation(len(X))
    return X[order], Y[order]


# ------------------------------------------------------------------ sequences


REBER_SYMBOLS = "BTPSXVE"
"""The seven symbols of the Reber grammar, in the order of the one-hot columns."""

REBER_GRAMMAR = {1: [("T", 2), ("P", 3)], 2: [("S", 2), ("X", 4)], 3: [("T", 3), ("V", 5)],
                 4: [("X", 3), ("S", 6)], 5: [("P", 4), ("V", 6)], 6: [("E", None)]}
"""Reber's finite-state grammar: state → [(symbol, next state)], each arc taken with
probability 1/2; a string is B, then the arcs from state 1 until E."""


class Reber(namedtuple("Reber", "X Y possible strings")):
    """Reber strings as sequences for next-symbol prediction (:func:`reber`).

    Attributes
    ----------
    X : ndarray (n, T, 7)
        Symbol t of each string, one-hot in the order ``BTPSXVE``; zero rows after its end
        (T is the longest string's length).
    Y : ndarray (n, T, 7)
        The next symbol, one-hot: the target at step t is symbol t + 1. NaN rows where no
        symbol follows (the final E, and the padding), so they carry no target.
    possible : ndarray of bool (n, T, 7)
        Which symbols the grammar allows next, knowing the string so far.
    strings : list of str
    """

    def _predictions(self, P):
        """`P` as a float array of the targets' shape, or a NetworkError naming both."""
        array = checks.reals(P, "the predictions P", f"an array of numbers of the targets' "
                             f"shape {self.possible.shape}")
        if array.shape != self.possible.shape:
            raise NetworkError(f"the predictions P must have the shape of the targets, "
                               f"{self.possible.shape}; received shape {array.shape}: "
                               f"{describe(P)}")
        return array.astype(float)

    def accepted(self, P, threshold=None):
        """Which strings a network's predictions `P` (n, T, 7) get right, by Hochreiter and
        Schmidhuber's (1997) criterion: at every step, the outputs of the k symbols the grammar
        allows next are the k most active ones.

        Parameters
        ----------
        P : array_like (n, T, 7)
            The outputs over time, as ``net.predict(data.X)`` gives them.
        threshold : float or None, default None
            None: the paper's criterion. A number: at every step, the outputs of the allowed
            symbols are above it and every other output is below it.

        Returns
        -------
        ndarray of bool (n,)

        Examples
        --------
        >>> import neurograph as ng
        >>> data = ng.datasets.reber(3, seed=0)
        >>> data.accepted(data.possible * 1.0).tolist()   # a perfect predictor
        [True, True, True]
        >>> data.accepted(data.possible * 0.2, threshold=0.3).tolist()
        [False, False, False]
        """
        P = self._predictions(P)
        k = self.possible.sum(axis=2)
        lowest_allowed = np.where(self.possible, P, np.inf).min(axis=2)
        highest_other = np.where(self.possible, -np.inf, P).max(axis=2)
        if threshold is None:
            right = lowest_allowed > highest_other
        else:
            threshold = checks.weight(threshold, "threshold")
            right = (lowest_allowed > threshold) & (highest_other < threshold)
        return ((k == 0) | right).all(axis=1)

    def penultimate_right(self, P):
        """Whether the prediction of each string's next-to-last symbol (the T or P that repeats
        the second symbol, in the embedded grammar) is the most active output.

        Parameters
        ----------
        P : array_like (n, T, 7)

        Returns
        -------
        ndarray of bool (n,)

        Examples
        --------
        >>> import neurograph as ng
        >>> data = ng.datasets.reber(2, seed=0)
        >>> data.penultimate_right(data.Y).tolist()
        [True, True]
        """
        P = self._predictions(P)
        rows = np.arange(len(self.strings))
        step = np.array([len(s) - 3 for s in self.strings])  # sees symbol −3, predicts −2
        wanted = [REBER_SYMBOLS.index(s[-2]) for s in self.strings]
        return P[rows, step].argmax(axis=1) == np.array(wanted)


def reber(n, seed=0, embedded=True):
    """`n` strings of the (embedded) Reber grammar, as one-hot sequences with next-symbol
    targets.

    A Reber string is B, a walk through Reber's grammar (:data:`REBER_GRAMMAR`, each branch
    taken with probability 1/2), E: BTXSE, BPVVE, BTSSXXTVVE … An embedded string is
    B, T or P, a Reber string, the same T or P again, E: to predict the next-to-last symbol a
    network must remember the second across the whole inner string. Hochreiter and
    Schmidhuber (1997, Experiment 1) report the LSTM learning it where Elman networks and
    RTRL mostly fail.

    Parameters
    ----------
    n : int
        How many strings.
    seed : int or numpy.random.Generator or None, default 0
    embedded : bool, default True
        False gives plain Reber strings (an Elman network learns those).

    Returns
    -------
    Reber
        ``(X, Y, possible, strings)``, and the success criterion :meth:`Reber.accepted`.

    Examples
    --------
    >>> import neurograph as ng
    >>> data = ng.datasets.reber(2, seed=0)
    >>> data.strings
    ['BPBPVPXTTTTVVEPE', 'BPBPVVEPE']
    >>> data.X.shape, data.Y[0, 0].tolist()   # after B comes P
    ((2, 16, 7), [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    >>> "".join(ng.datasets.REBER_SYMBOLS[k] for k in range(7) if data.possible[0, 0, k])
    'TP'
    """
    n = checks.option("examples", n)
    rng = checks.generator(seed)
    embedded = checks.flag(embedded, "embedded")
    walks = [_reber_walk(rng, embedded) for _ in range(n)]
    T = max(len(symbols) for symbols, _ in walks)
    X = np.zeros((n, T, 7))
    Y = np.full((n, T, 7), np.nan)
    possible = np.zeros((n, T, 7), dtype=bool)
    for e, (symbols, allowed) in enumerate(walks):
        codes = [REBER_SYMBOLS.index(s) for s in symbols]
        X[e, np.arange(len(codes)), codes] = 1.0
        Y[e, :len(codes) - 1] = X[e, 1:len(codes)]
        for t, after in enumerate(allowed):
            possible[e, t, [REBER_SYMBOLS.index(s) for s in after]] = True
    return Reber(X, Y, possible, ["".join(symbols) for symbols, _ in walks])


def _reber_walk(rng, embedded):
    """(the symbols of one string, for each symbol the symbols allowed after it)."""
    symbols, allowed = ["B"], []
    if embedded:
        outer = "TP"[rng.integers(2)]
        allowed += ["TP", "B"]
        symbols += [outer, "B"]
    state = 1
    while state is not None:
        arcs = REBER_GRAMMAR[state]
        allowed.append("".join(symbol for symbol, _ in arcs))
        symbol, state = arcs[rng.integers(len(arcs))] if len(arcs) > 1 else arcs[0]
        symbols.append(symbol)
    if embedded:
        allowed += [outer, "E"]
        symbols += [outer, "E"]
    allowed.append("")
    return symbols, allowed
