"""Turning user input into clean ids, weights, vectors and options, or a NetworkError saying why not.

Every public entry point checks its arguments here, so the same bad value gets the
same words everywhere: ids and weights (:func:`neuron_id`, :func:`weight` and
:func:`weights`, within ±:data:`WEIGHT_LIMIT`), examples (:func:`vector`, :func:`matrix`),
random generators (:func:`generator`), a batch norm's numbers (:data:`BATCH_NORM`), and the
options of fit, sgd_step, explain, gradcheck and the command line, each declared
once in :data:`OPTIONS` and checked by :func:`option`. Numbers written as text (an edge
list, a CSV file, the command line) are read by :func:`parse_real` and :func:`parse_whole`:
ASCII digits only, one syntax everywhere.
"""

import math
import numbers
from dataclasses import dataclass
from functools import partial

import numpy as np

from .errors import NetworkError, describe

__all__ = ["BATCH_NORM", "MAX_DELAY", "MAX_ID", "OPTIONS", "WEIGHT_LIMIT", "Count", "Number",
           "array", "delay", "edge", "flag", "generator", "matrix", "named", "neuron_id", "option",
           "parse_real", "parse_whole", "real", "reals", "vector", "weight", "weights"]

MAX_ID = 2 ** 31 - 1
"""The largest neuron id: ids are 0 … 2³¹ − 1, so that every file format can hold them."""

WEIGHT_LIMIT = 1e100
"""The largest magnitude of a weight (or γ, β): every way a weight is set — ``net.w``,
``set_theta``, ``load_torch``, ``initialize``, files, builders — refuses one beyond
±WEIGHT_LIMIT (:func:`weight`, :func:`weights`), and training refuses an update that would
take one there (:class:`~neurograph.errors.DivergedError`). A network that needs such weights
has diverged."""
_LIMIT = f"±{WEIGHT_LIMIT:g}"


def neuron_id(value, what="a neuron id"):
    """An int from 0 to :data:`MAX_ID` (numpy integers accepted; bools and floats refused)."""
    if type(value) is int and 0 <= value <= MAX_ID:  # the common case, cheaply
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise NetworkError(f"{what} must be an integer from 0 to {MAX_ID}; "
                           f"received {describe(value)}")
    value = int(value)
    if not 0 <= value <= MAX_ID:
        raise NetworkError(f"{what} must be an integer from 0 to {MAX_ID}; received "
                           f"{describe(value)}")
    return value


def edge(value, what="an edge"):
    """An (i, j) pair of neuron ids (a list of two will do)."""
    if isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, tuple) or len(value) != 2:
        raise NetworkError(f"{what} must be a pair (i, j) of neuron ids; "
                           f"received {describe(value)}")
    return neuron_id(value[0], f"i in {what} (i, j)"), neuron_id(value[1], f"j in {what} (i, j)")


MAX_DELAY = 2 ** 20
"""The longest delay an edge may have (time steps): enough for any sequence a network is
given, and small enough that the initial state a delay needs fits in memory."""


def delay(value, what="a delay"):
    """An edge's delay d: an int from 0 to :data:`MAX_DELAY` (numpy integers accepted; bools,
    floats — even 1.0 — and negative numbers refused).

    >>> delay(1), delay(0)
    (1, 0)
    >>> delay(0.5, "the delay of edge (3, 3)")
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: the delay of edge (3, 3) must be a whole number of time \
steps from 0 to 1048576 (0: an ordinary edge); received 0.5
    """
    if type(value) is int and 0 <= value <= MAX_DELAY:
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or not 0 <= int(value) <= MAX_DELAY:
        raise NetworkError(f"{what} must be a whole number of time steps from 0 to {MAX_DELAY} "
                           f"(0: an ordinary edge); received {describe(value)}")
    return int(value)


def real(value, what="a number"):
    """A finite real number, as a Python float."""
    if type(value) is float and math.isfinite(value):  # the common case, cheaply
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise NetworkError(f"{what} must be a real number; received {describe(value)}")
    try:
        value = float(value)
    except OverflowError:  # an int such as 10**400
        raise NetworkError(f"{what} must be finite; received {describe(value)}") from None
    if not math.isfinite(value):
        raise NetworkError(f"{what} must be finite; received {value}")
    return value


def weight(value, what="a weight"):
    """A weight: a finite real number within ±:data:`WEIGHT_LIMIT`, as a Python float.

    Examples
    --------
    >>> weight(2)
    2.0
    >>> weight(-1e100)
    -1e+100
    >>> weight(1e101, "w")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: w must be within ±1e+100 (...); received 1e+101
    """
    if type(value) is float and -WEIGHT_LIMIT <= value <= WEIGHT_LIMIT:  # cheaply (NaN fails)
        return value
    value = real(value, what)
    if not -WEIGHT_LIMIT <= value <= WEIGHT_LIMIT:
        raise NetworkError(f"{what} must be within {_LIMIT} (the largest weight a network "
                           f"holds); received {value:g}")
    return value


def vector(values, length, what):
    """`length` finite real numbers as a list of Python floats.

    A bare number is accepted where one value is expected. Strings, None, ragged
    or nested sequences, NaN and infinities are refused.
    """
    if type(values) is list and len(values) == length:  # the common case, cheaply
        for v in values:
            if type(v) is not float or not math.isfinite(v):
                break
        else:
            return values
    array = reals(values, what, f"{length} real number{'s' * (length != 1)}")
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1 or array.shape[0] != length:
        raise NetworkError(f"{what} must have {length} value{'s' * (length != 1)}, one per "
                           f"{'input' if what == 'x' else 'output'} neuron; received shape "
                           f"{array.shape}: {describe(values)}")
    if array.dtype.kind != "f":
        array = array.astype(float)
    if not np.isfinite(array).all():
        raise NetworkError(f"{what} must be finite; received {describe(values)}")
    return array.tolist()


def array(values, length, what):
    """:func:`vector`'s check, as a new float64 numpy array (θ of a large network, cheaply)."""
    if isinstance(values, np.ndarray) and values.shape == (length,) and values.dtype == float:
        if not np.isfinite(values).all():
            raise NetworkError(f"{what} must be finite; received {describe(values)}")
        return values.copy()
    return np.array(vector(values, length, what))


def weights(values, length, what):
    """A vector of `length` weights (θ) as a new float64 numpy array: :func:`array`'s check,
    no True or False among them, and every entry a :func:`weight` (within ±WEIGHT_LIMIT)."""
    try:
        shape = np.shape(values)
    except ValueError:  # ragged nesting
        shape = None
    if shape != (length,):
        raise NetworkError(f"{what} must have {length} values, one per entry of theta_edges(); "
                           f"received {'a ragged sequence' if shape is None else f'shape {shape}'}")
    if getattr(values, "dtype", None) == bool or isinstance(values, (list, tuple)) and any(
            isinstance(v, (bool, np.bool_)) for v in values):
        raise NetworkError(f"{what} must hold real numbers, not True or False")
    values = array(values, length, what)
    beyond = np.flatnonzero(np.abs(values) > WEIGHT_LIMIT)
    if len(beyond):
        k = int(beyond[0])
        raise NetworkError(f"{what} must hold weights within {_LIMIT} (the largest weight a "
                           f"network holds); entry {k} is {values[k]:g}")
    return values


def matrix(values, n_cols, what):
    """A 2-D float array of finite values, n examples × `n_cols` (any number if None).

    A 1-D sequence is read as one column where one column is expected.
    """
    array = reals(values, what, "a table of real numbers (n examples × values)")
    if array.ndim == 1 and n_cols == 1:
        array = array[:, None]
    expected = "" if n_cols is None else f"{n_cols} value{'s' * (n_cols != 1)} per example"
    if array.ndim != 2 or (n_cols is not None and array.shape[1] != n_cols):
        raise NetworkError(f"{what} must be 2-D, n examples × {expected or 'values'}; received "
                           f"shape {array.shape}")
    if array.shape[0] == 0:
        raise NetworkError(f"{what} has no examples")
    array = array.astype(float, copy=False)  # (kept as given when it is floats already)
    if not np.isfinite(array).all():
        row = int(np.argwhere(~np.isfinite(array))[0, 0])
        raise NetworkError(f"{what} must be finite; row {row} is {describe(array[row].tolist())}")
    return array


def paired(X, Y):
    """(X, Y) as :func:`matrix` checks them (any widths), with a row of Y per row of X."""
    X, Y = matrix(X, None, "X"), matrix(Y, None, "Y")
    if len(X) != len(Y):
        raise NetworkError(f"X has {len(X)} rows and Y {len(Y)}; they must match")
    return X, Y


def named(spec, cls, table, aliases, what):
    """`spec` itself if it is a `cls`, else the entry of `table` it names, directly or by alias."""
    if isinstance(spec, cls):
        return spec
    if isinstance(spec, str):
        name = aliases.get(spec, spec)
        if name in table:
            return table[name]
    article = "an" if cls.__name__[0] in "AEIOU" else "a"
    known = ", ".join(sorted([*table, *aliases]))
    raise NetworkError(f"unknown {what} {describe(spec)}; expected {article} {cls.__name__} "
                       f"or one of: {known}")


def flag(value, what):
    """A real boolean (numpy's too); strings such as "no" are refused, not taken as true."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise NetworkError(f"{what} must be True or False; received {describe(value)}")


def generator(seed):
    """A numpy Generator from a seed ≥ 0, None (fresh entropy) or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_)):
        if seed < 0:
            raise NetworkError(f"seed must be ≥ 0; received {seed}")
        return np.random.default_rng(int(seed))
    raise NetworkError(f"seed must be an int ≥ 0, a numpy.random.Generator or None; "
                       f"received {describe(seed)}")


# ------------------------------------------------------------------ options


@dataclass(frozen=True)
class Number:
    """A finite real option: ``above`` < value (or ``at_least`` ≤ value) and value < ``below``
    (or value ≤ ``at_most``)."""

    what: str
    above: float = -math.inf
    at_least: float = -math.inf
    below: float = math.inf
    rule: str = ""
    at_most: float = math.inf

    def __call__(self, value):
        if type(value) is float and self.above < value < self.below and \
                self.at_least <= value <= self.at_most:
            return value  # the common case, cheaply (NaN and ±inf fail the comparisons)
        value = real(value, self.what)
        if not (self.above < value < self.below and self.at_least <= value <= self.at_most):
            raise NetworkError(f"{self.what} must be {self.rule}; received {value:g}")
        return value


@dataclass(frozen=True)
class Count:
    """A whole-number option from ``minimum`` to ``maximum``."""

    what: str
    minimum: int = 0
    maximum: int = MAX_ID

    def __call__(self, value):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
                or not self.minimum <= value <= self.maximum:
            raise NetworkError(f"{self.what} must be a whole number from {self.minimum} to "
                               f"{self.maximum}; received {describe(value)}")
        return int(value)


OPTIONS = {
    "lr": Number("the learning rate lr", above=0.0, rule="positive"),
    "weight_decay": Number("weight_decay (λ)", at_least=0.0, rule="≥ 0"),
    "dropout": Number("dropout", at_least=0.0, below=1.0,
                      rule="a probability of dropping a hidden neuron, from 0 up to (not "
                           "including) 1"),
    "error_tol": Number("error_tol", above=0.0, rule="positive"),
    "tol": Number("tol (scipy's tolerance)", above=0.0, rule="positive"),
    "min_delta": Number("min_delta", at_least=0.0, rule="≥ 0"),
    "eps": Number("eps (ε)", above=0.0, rule="positive"),
    "epsilon": Number("epsilon (ε)", at_least=0.0, below=WEIGHT_LIMIT,
                      rule=f"≥ 0 and below {WEIGHT_LIMIT:g} (the largest weight a network "
                           f"holds)"),
    "epochs": Count("epochs", minimum=1),
    "batch_size": Count("batch_size", minimum=1),
    "patience": Count("patience", minimum=1),
    "rbm_size": Count("an RBM's number of visible or hidden neurons", minimum=1),
    "steps": Count("steps", minimum=1),
    "checked": Count("n (how many weights to check)", minimum=1),
    "k": Count("k (Gibbs rounds)", minimum=1),
    "digits": Count("digits", minimum=0, maximum=17),
    "fraction": Number("fraction", above=0.0, below=1.0,
                       rule="a fraction strictly between 0 and 1"),
    "validation_fraction": Number("validation_fraction", above=0.0, below=1.0,
                                  rule="a fraction strictly between 0 and 1"),
    "target_error": Number("target_error", at_least=0.0, below=1.0,
                           rule="a fraction of the examples from 0 up to (not including) 1"),
    "stop_error": Number("stop_error", at_least=0.0, below=1.0,
                         rule="a fraction of the examples from 0 up to (not including) 1"),
    "threshold": Number("threshold", above=0.0, rule="positive"),
    "noise": Number("noise", at_least=0.0, rule="≥ 0"),
    "n_jobs": Count("n_jobs", minimum=1, maximum=1024),
    "population": Count("population", minimum=2, maximum=100_000),
    "generations": Count("generations", minimum=1),
    "max_hidden": Count("max_hidden", minimum=0, maximum=10_000),
    "candidates": Count("candidates", minimum=1, maximum=10_000),
    "examples": Count("the number of examples n", minimum=1, maximum=10_000_000),
    "bits": Count("the number of bits n", minimum=1, maximum=20),
    "significant": Count("significant (figures)", minimum=1, maximum=17),
}
"""What each option accepts, declared once; :func:`option` checks a value against it."""


BATCH_NORM = {
    "gamma": partial(weight, what="gamma"),
    "beta": partial(weight, what="beta"),
    "eps": Number("eps", above=0.0, rule="a small positive number"),
    "momentum": Number("momentum", at_least=0.0, at_most=1.0, rule="from 0 to 1"),
    "running_mean": Number("running_mean"),
    "running_var": Number("running_var", at_least=0.0, rule="at least 0"),
}
"""What each number of a batch norm accepts, declared once: ``BATCH_NORM[name](value)`` is
the value as a float, or a NetworkError saying what was expected. γ and β are parameters
(weights, within ±:data:`WEIGHT_LIMIT`); the rest are finite numbers, ε > 0, the momentum in
[0, 1] and the running variance ≥ 0. The batch norm checks every number set on it with
these, and so do the file readers and ``load_torch``; the keys, in this order, are the
fields files hold."""


def option(name, value):
    """`value` checked (and converted) as option `name` of :data:`OPTIONS` accepts it.

    Examples
    --------
    >>> option("lr", 0.5)
    0.5
    >>> option("lr", -1)
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: the learning rate lr must be positive; received -1
    """
    return OPTIONS[name](value)


def reals(values, what, expected):
    """`values` as a numpy array of real numbers (bool, integer or float), or a NetworkError
    saying `expected`: strings, complex numbers, objects and ragged nesting are refused."""
    try:
        array = np.asarray(values)
    except (ValueError, TypeError, OverflowError):  # ragged nesting, huge ints
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise NetworkError(f"{what} must be {expected}; received {describe(values)}")
    return array


# ------------------------------------------------------------ numbers written as text

_REAL_CHARACTERS = frozenset("0123456789+-.eE")
_NAMED_REALS = ("inf", "infinity", "nan")
WHOLE_DIGITS = 100
"""The most digits :func:`parse_whole` reads: every count, id and seed is far shorter (and
Python's int() refuses a few thousand)."""


def parse_real(text, what="a number"):
    """The float that `text` writes in ASCII: digits, a sign, a point, an exponent (``-1.5e-3``),
    or inf, infinity or nan; spaces around it are ignored.

    Python's float() also reads underscores (``1_000``) and the digits of every script
    (``٣``, ``３``); files and command lines written for neurograph use ASCII digits only,
    so those are refused here, with an excerpt of what was received. Whether the number
    must be finite is the caller's rule.

    Examples
    --------
    >>> parse_real(" -1.5e-3 ")
    -0.0015
    >>> parse_real("١")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: a number must be written in ASCII digits, ...; received '١'
    """
    word = text.strip(" \t\r\n")
    if word.isascii() and (set(word) <= _REAL_CHARACTERS
                           or word.lstrip("+-").lower() in _NAMED_REALS):
        try:
            return float(word)
        except ValueError:
            pass
    raise NetworkError(f"{what} must be written in ASCII digits, such as -1.5e-3; received "
                       f"{describe(text)}")


def parse_whole(text, what="a whole number"):
    """The int that `text` writes in ASCII digits, with an optional sign (spaces around it
    ignored): not ``1.0``, ``1_000``, ``³`` or ``٣``, nor more than :data:`WHOLE_DIGITS` digits.

    Examples
    --------
    >>> parse_whole("+42")
    42
    >>> parse_whole("³")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    neurograph.errors.NetworkError: a whole number must be written in ASCII digits, ...; received '³'
    """
    word = text.strip(" \t\r\n")
    digits = word[1:] if word[:1] in ("+", "-") else word
    if digits.isascii() and digits.isdigit():
        if len(digits) <= WHOLE_DIGITS:
            return int(word)
        raise NetworkError(f"{what} must have at most {WHOLE_DIGITS} digits; received "
                           f"{len(digits)}: {describe(text)}")
    raise NetworkError(f"{what} must be written in ASCII digits, such as 42; received "
                       f"{describe(text)}")
