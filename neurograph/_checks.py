"""Turning user input into clean ids, weights and vectors, or a NetworkError saying why not."""

import math
import numbers

import numpy as np

from .errors import NetworkError, describe


def neuron_id(value, what="a neuron id"):
    """A non-negative int (numpy integers accepted; bools and floats refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise NetworkError(f"{what} must be a non-negative integer; received {describe(value)}")
    value = int(value)
    if value < 0:
        raise NetworkError(f"{what} must be a non-negative integer; received {value}")
    return value


def edge(value, what="an edge"):
    """An (i, j) pair of neuron ids."""
    if not isinstance(value, tuple) or len(value) != 2:
        raise NetworkError(f"{what} must be a pair (i, j) of neuron ids; "
                           f"received {describe(value)}")
    return neuron_id(value[0], f"i in {what} (i, j)"), neuron_id(value[1], f"j in {what} (i, j)")


def weight(value, what="a weight"):
    """A finite real number, as a Python float."""
    if type(value) is float and math.isfinite(value):  # the common case, cheaply
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise NetworkError(f"{what} must be a real number; received {describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise NetworkError(f"{what} must be finite; received {value}")
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
    array = _numbers(values, what, f"{length} real number{'s' * (length != 1)}")
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1 or array.shape[0] != length:
        raise NetworkError(f"{what} must have {length} value{'s' * (length != 1)}, one per "
                           f"{'input' if what == 'x' else 'output'} neuron; received shape "
                           f"{array.shape}: {describe(values)}")
    if array.dtype.kind != "f":
        array = array.astype(float)
    out = array.tolist()
    for v in out:
        if not math.isfinite(v):
            raise NetworkError(f"{what} must be finite; received {describe(values)}")
    return out


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


def generator(seed):
    """A numpy Generator from an int seed, None (fresh entropy) or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise NetworkError(f"seed must be an int, a numpy.random.Generator or None; "
                       f"received {describe(seed)}")


def matrix(values, n_cols, what):
    """A 2-D float array of finite values, n examples × `n_cols` (any number if None).

    A 1-D sequence is read as one column where one column is expected.
    """
    array = _numbers(values, what, "a table of real numbers (n examples × values)")
    if array.ndim == 1 and n_cols == 1:
        array = array[:, None]
    expected = "" if n_cols is None else f"{n_cols} value{'s' * (n_cols != 1)} per example"
    if array.ndim != 2 or (n_cols is not None and array.shape[1] != n_cols):
        raise NetworkError(f"{what} must be 2-D, n examples × {expected or 'values'}; received "
                           f"shape {array.shape}")
    if array.shape[0] == 0:
        raise NetworkError(f"{what} has no examples")
    array = array.astype(float)
    if not np.isfinite(array).all():
        row = int(np.argwhere(~np.isfinite(array))[0, 0])
        raise NetworkError(f"{what} must be finite; row {row} is {describe(array[row].tolist())}")
    return array


def _numbers(values, what, expected):
    """`values` as a numpy array of real numbers, or a NetworkError saying `expected`."""
    try:
        array = np.asarray(values)
    except (ValueError, TypeError):  # ragged nesting
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise NetworkError(f"{what} must be {expected}; received {describe(values)}")
    return array
