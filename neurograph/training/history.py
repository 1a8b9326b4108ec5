"""What happened in each epoch of training."""

from dataclasses import dataclass, field

import numpy as np

from ..data import classes
from ..errors import NetworkError, describe
from ..files.atomic import writable, write_atomically

__all__ = ["History"]


@dataclass
class History:
    """What happened in each epoch of :meth:`Network.fit`.

    Attributes
    ----------
    loss : list of float
        J(w) on the training set after each epoch: the mean loss over the
        examples, plus λ Σ w_ij² over the decayed edges when ``weight_decay > 0``.
    accuracy : list of float
        The share of training examples classified right, when the targets are
        classes (0/1 or one-hot); empty otherwise.
    val_loss, val_accuracy : list of float
        The mean loss and the accuracy on the validation data, when given.
    mistakes : list of int
        With ``rule="perceptron"``: how many examples each epoch corrected (``loss`` is
        then the share misclassified after the epoch).
    stopped : str
        "epochs" (the epoch limit), "errors" (every |y_k − a_k| below
        ``error_tol``), "converged" (J changed by less than ``min_delta`` for
        ``patience`` epochs in a row, or a scipy optimizer reported convergence),
        "stalled" (a scipy optimizer could not go on: a line search failed, or precision
        was lost; see `message`) or "diverged" (J(w) stopped being finite, or a
        weight left ±1e100: fit raised, and this history is the error's ``.history``).
    message : str
        Why a scipy optimizer stopped, in scipy's words (its ``result.message``); empty
        for the other optimizers.
    step : str
        What a row is: "epoch" (:meth:`Network.fit`), "hidden neurons"
        (cascade-correlation's, one row per output training) or "generation" (``evolve``'s).
    steps : list
        The row's step number (empty: the epochs 1, 2, …).
    extra : dict
        Further columns by name (evolution's ``best_fitness`` and ``mean_fitness``).
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)
    stopped: str = "epochs"
    message: str = ""
    step: str = "epoch"
    steps: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    COLUMNS = ("loss", "accuracy", "val_loss", "val_accuracy", "mistakes")

    @classmethod
    def of(cls, record):
        """A History of any training record: a History itself; cascade-correlation's list
        of dicts (J and the share right after each output training, by hidden neurons);
        ``evolve``'s result or its history (the best's validation loss and share right,
        and the fitness, by generation).

        Examples
        --------
        >>> h = History.of([{"hidden": 0, "loss": 0.5, "error": 0.25},
        ...                 {"hidden": 1, "loss": 0.2, "error": 0.0}])
        >>> h.step, h.steps, h.loss, h.accuracy
        ('hidden neurons', [0, 1], [0.5, 0.2], [0.75, 1.0])
        """
        if isinstance(record, cls):
            return record
        rows = getattr(record, "history", record)
        if not (isinstance(rows, (list, tuple)) and rows
                and all(isinstance(row, dict) for row in rows)):
            raise NetworkError(f"a training record must be a History, cascade_correlation's "
                               f"history or evolve's result; received {describe(record)}")
        try:
            if all("generation" in row for row in rows):
                return cls(val_loss=[float(row["loss"]) for row in rows],
                           val_accuracy=[1.0 - float(row["error"]) for row in rows],
                           step="generation", steps=[int(row["generation"]) for row in rows],
                           extra={name: [float(row[name]) for row in rows]
                                  for name in ("best_fitness", "mean_fitness")})
            return cls(loss=[float(row["loss"]) for row in rows],
                       accuracy=[1.0 - float(row["error"]) for row in rows],
                       step="hidden neurons", steps=[int(row["hidden"]) for row in rows])
        except (KeyError, TypeError, ValueError) as error:
            raise NetworkError(f"a training record's rows need 'loss' and 'error' (and "
                               f"'hidden' or 'generation'); received {describe(rows[0])} "
                               f"({type(error).__name__}: {error})") from None

    def table(self):
        """``{column: values}``: the step, then each column recorded (none empty)."""
        n = max([len(getattr(self, name)) for name in self.COLUMNS]
                + [len(v) for v in self.extra.values()])
        out = {self.step: list(self.steps) or list(range(1, n + 1))}
        for name in self.COLUMNS:
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        out.update({name: list(v) for name, v in self.extra.items()})
        return out

    def to_csv(self, path):
        """Write :meth:`table` as CSV (a header, one row per step), whole or not at all.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> path = History(loss=[0.5, 0.25], accuracy=[0.5, 1.0]).to_csv(folder / "h.csv")
        >>> print(path.read_text(), end="")
        epoch,loss,accuracy
        1,0.5,0.5
        2,0.25,1.0
        """
        path = writable(path, (".csv",), "the history's file name")
        table = self.table()
        rows = [",".join(table)]
        for k in range(len(next(iter(table.values())))):
            rows.append(",".join(_cell(v[k]) if k < len(v) else "" for v in table.values()))
        text = "\n".join(rows) + "\n"
        return write_atomically(path, lambda handle: handle.write(text.encode("utf-8")))

    @property
    def epochs(self):
        """How many epochs ran."""
        return len(self.loss)

    def record(self, cost, outputs, labels, held_out=None):
        """Append an epoch: J(w), and the accuracy where `labels` (classes, or None) allow.

        `held_out` is (mean loss, outputs, labels) on the validation data, or None.
        """
        self.loss.append(cost)
        if labels is not None:
            right = classes(outputs) == labels  # (counted: the mean without its overhead)
            self.accuracy.append(np.count_nonzero(right) / right.size)
        if held_out is not None:
            val_cost, val_outputs, val_labels = held_out
            self.val_loss.append(val_cost)
            if val_labels is not None:
                self.val_accuracy.append(float(np.mean(classes(val_outputs) == val_labels)))

    def __repr__(self):
        parts = [f"epochs={self.epochs}"]
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            values = getattr(self, name)
            if values:
                parts.append(f"{name}={values[-1]:.4g}")
        return f"History({', '.join(parts)}, stopped={self.stopped!r})"


def _cell(value):
    """A number as CSV writes it: whole numbers as they are, others in full (repr)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return repr(float(value))


def labels_of(Y):
    """The class of each row when the targets are classes (one column of 0s and 1s, or
    one-hot rows), else None."""
    if Y is None:
        return None
    binary = np.isin(Y, (0.0, 1.0)).all()
    if binary and (Y.shape[1] == 1 or (Y.sum(axis=1) == 1).all()):
        return classes(Y)
    return None
