"""Targets and inputs as the lectures prepare them: one-hot labels, classes, min-max scaling."""

import numpy as np

from . import checks
from .errors import NetworkError, describe, excerpt

__all__ = ["one_hot", "classes", "MinMaxScaler"]


def one_hot(labels, n_classes=None):
    """One output per class: label k becomes the vector with a 1 in place k (Lecture 07-4c).

    Parameters
    ----------
    labels : sequence of int
        Class labels 0, 1, …, K − 1.
    n_classes : int, optional
        K; default: the largest label + 1.

    Returns
    -------
    numpy.ndarray
        Shape (n, K), of 0.0 and 1.0.

    Examples
    --------
    >>> import neurograph as ng
    >>> ng.one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    array = np.asarray(labels)
    if array.ndim != 1 or array.dtype.kind not in "iub" or (array.size and array.min() < 0):
        raise NetworkError(f"labels must be a sequence of non-negative integers; "
                           f"received {describe(labels)}")
    largest = int(array.max()) + 1 if array.size else 0
    k = largest if n_classes is None else checks.neuron_id(n_classes, "n_classes")
    if k < largest:
        raise NetworkError(f"n_classes must exceed every label; received n_classes = {k} "
                           f"and a label {largest - 1}")
    return np.eye(k)[array]


def classes(outputs):
    """The class each row of outputs predicts: the index of the highest output.

    With a single output neuron there are two classes: 1 if a ≥ 0.5, else 0.
    """
    outputs = np.asarray(outputs, dtype=float)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.shape[1] == 1:
        return (outputs[:, 0] >= 0.5).astype(int)
    return outputs.argmax(axis=1)


class MinMaxScaler:
    """Rescale each input attribute to [low, high] by min-max normalisation (Lecture 07-4a).

    Fit on the training inputs, then transform training and test inputs alike.
    A constant attribute maps to the middle of the range.

    Examples
    --------
    >>> import neurograph as ng
    >>> scaler = ng.MinMaxScaler().fit([[0, 10], [5, 20], [10, 40]])
    >>> scaler.transform([[0, 10], [10, 40], [5, 20]])
    array([[-1.        , -1.        ],
           [ 1.        ,  1.        ],
           [ 0.        , -0.33333333]])
    """

    def __init__(self, low=-1.0, high=1.0):
        self.low = checks.weight(low, "low")
        self.high = checks.weight(high, "high")
        if not self.low < self.high:
            raise NetworkError(f"low must be below high; received low = {low}, high = {high}")
        self.minimum = self.maximum = None

    def fit(self, X):
        """Learn each attribute's minimum and maximum from X (n examples × p attributes)."""
        X = checks.matrix(X, None, "X")
        self.minimum, self.maximum = X.min(axis=0), X.max(axis=0)
        return self

    def transform(self, X):
        """X rescaled with the minimum and maximum learnt by :meth:`fit`."""
        if self.minimum is None:
            raise NetworkError("call fit(X) on the training inputs before transform(X)")
        X = checks.matrix(X, len(self.minimum), "X")
        span = self.maximum - self.minimum
        unit = np.divide(X - self.minimum, span, out=np.full_like(X, 0.5), where=span > 0)
        return self.low + (self.high - self.low) * unit

    def fit_transform(self, X):
        """:meth:`fit` then :meth:`transform` on the same X."""
        return self.fit(X).transform(X)


def read_table(path, n_inputs, n_outputs):
    """Examples from a CSV file: each row x_1 … x_p then y_1 … y_K.

    Blank lines and lines starting with ``#`` are skipped; the first other row, if it
    is not numbers, is a header. A UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped.
    Numbers are written in ASCII digits (``-1.5e-3``; :func:`~neurograph.checks.parse_real`).
    Returns ``(X, Y)``.

    Raises
    ------
    NetworkError
        Naming the file and the line that does not fit.
    """
    import csv
    from pathlib import Path

    path = Path(path)
    width = n_inputs + n_outputs
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()  # (a BOM skipped: Excel's)
    except FileNotFoundError:
        raise NetworkError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NetworkError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    rows = []
    reader = csv.reader(lines)
    number, header_allowed = 0, True
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # a field too long, a stray quote …
            raise NetworkError(f"{path}: line {reader.line_num}: not a CSV row ({error})") \
                from None
        number = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        first, header_allowed = header_allowed, False
        try:
            values = [checks.parse_real(cell) for cell in cells]  # ASCII digits, as in files
        except NetworkError:
            if first:
                continue  # a header: the first row that is not blank or a comment
            raise NetworkError(f"{path}: line {number}: expected {width} numbers; received "
                               f"{excerpt(','.join(cells))!r}") from None
        if len(values) != width or not all(np.isfinite(values)):
            raise NetworkError(f"{path}: line {number}: expected {width} finite numbers "
                               f"({n_inputs} inputs, then {n_outputs} targets); received "
                               f"{excerpt(','.join(cells))!r}")
        rows.append(values)
    if not rows:
        raise NetworkError(f"{path}: no examples; expected rows of {width} numbers")
    table = np.array(rows)
    return table[:, :n_inputs], table[:, n_inputs:]
