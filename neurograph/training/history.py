"""What happened in each epoch of training."""

from dataclasses import dataclass, field

import numpy as np

from ..data import classes

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
    """

    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)
    stopped: str = "epochs"
    message: str = ""

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
            self.accuracy.append(float(np.mean(classes(outputs) == labels)))
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


def labels_of(Y):
    """The class of each row when the targets are classes (one column of 0s and 1s, or
    one-hot rows), else None."""
    if Y is None:
        return None
    binary = np.isin(Y, (0.0, 1.0)).all()
    if binary and (Y.shape[1] == 1 or (Y.sum(axis=1) == 1).all()):
        return classes(Y)
    return None
