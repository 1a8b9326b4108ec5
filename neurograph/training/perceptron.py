"""Rosenblatt's perceptron algorithm (1957; Lecture 07-1c, and #L3's perceptrons w·x + b).

For a network whose processing neurons are all threshold outputs fed by inputs (and the
bias neuron) only, one example (x, y) updates every edge into output j by

    w_ij ← w_ij + α (y_j − a_j) a_i,

so nothing changes when the output is right. Training repeats this over the examples until
an epoch makes no mistake — which happens exactly when the data are linearly separable;
otherwise it stops at the epoch limit and says so (XOR never separates).
"""

import numpy as np

from ..engines import reference
from ..errors import NetworkError
from .history import History, labels_of

__all__ = ["check_network", "perceptron_step", "train"]


def check_network(net):
    """Refuse a network the perceptron rule does not apply to."""
    plan = net.plan()
    for neuron, g, incoming, *_ in plan.forward:
        if neuron.kind != "output":
            raise NetworkError(f"the perceptron rule needs threshold outputs fed by inputs only; "
                               f"neuron {neuron.id} is a hidden neuron (train it by "
                               f"backpropagation: rule='gradient')")
        if not g.binary:
            raise NetworkError(f"the perceptron rule needs threshold outputs; output neuron "
                               f"{neuron.id} has activation {g.name!r}")
        for source, _ in incoming:
            if source.is_processing:
                raise NetworkError(f"the perceptron rule needs outputs fed by inputs only; "
                                   f"edge ({source.id}, {neuron.id}) comes from a processing "
                                   f"neuron")
    return plan


def perceptron_step(plan, x, y, lr):
    """One example: forward, then w_ij ← w_ij + α (y_j − a_j) a_i for every trainable edge
    into each output j. Returns how many outputs were wrong."""
    reference.forward_propagate(plan, x)
    wrong = 0
    for (neuron_j, _, incoming, *_), y_j in zip(plan.forward, _targets(plan, y)):
        error = y_j - neuron_j.a
        if error:
            wrong += 1
            for neuron_i, edge in incoming:
                if not edge.frozen:
                    edge.weight += lr * error * neuron_i.a
    return wrong


def train(net, X, Y, lr, epochs, shuffle, rng, progress_bar=None):
    """NEURALNETTRAIN with the perceptron rule; see ``Network.fit(rule="perceptron")``.

    The history's ``loss`` is the share of examples misclassified after each epoch,
    ``mistakes`` the number of examples the epoch corrected, and ``stopped`` is "errors"
    once an epoch makes no mistake, else "epochs" (not separated within the limit).
    """
    plan = check_network(net)
    examples = list(zip(X.tolist(), Y.tolist()))
    history, labels = History(), labels_of(Y)
    for _ in range(epochs):
        order = rng.permutation(len(examples)) if shuffle else range(len(examples))
        mistakes = sum(1 for e in order if perceptron_step(plan, *examples[e], lr))
        outputs = np.array([_outputs(plan, x) for x, _ in examples])
        history.record(float(np.mean(np.any(outputs != Y, axis=1))), outputs, labels)
        history.mistakes.append(mistakes)
        if progress_bar is not None:
            progress_bar.update(1)
        if mistakes == 0:
            history.stopped = "errors"
            break
    net.clear_values()
    return history


def _outputs(plan, x):
    reference.forward_propagate(plan, x)
    return [neuron.a for neuron in plan.outputs]


def _targets(plan, y):
    """y in the order of plan.forward (the outputs' topological order)."""
    index = {neuron: k for k, neuron in enumerate(plan.outputs)}
    return [y[index[neuron]] for neuron, *_ in plan.forward]

