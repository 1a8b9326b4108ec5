"""Lecture 07-5c's ways to make a search affordable, as
:func:`~neurograph.topology.evolution.evolve` uses them: "use smaller training data", "stop
training early and try to predict performance improvements based on trend in cost over
epochs", and Hyperband's successive halving.

- **A subset** (``subset=f``): each child trains on a random fraction f of the training
  examples, drawn from its own seed (validation is unchanged, so scores stay comparable).
- **Early stopping from the learning curve** (``early_stop=True``): a child trains in
  :data:`CHECKPOINTS` equal chunks of its epochs. After each chunk but the last its validation
  loss L_c is measured, and the trend of the last chunk is carried on straight to the end:
  with r chunks remaining, the best it can expect is L_c − r·max(0, L_{c−1} − L_c) (L_0 is the
  loss it started from). If that is still above the best validation loss of the previous
  generation, the child stops there and is scored as it stands. For a learning curve that
  flattens, straight-line extrapolation is optimistic: the rule errs on the side of letting a
  child go on. (Each chunk is its own ``fit`` call, so Adam's moments start afresh per chunk.)
- **Successive halving** (``halving=True``): each generation's children first train for
  epochs/4; the better half (by fitness) trains another epochs/4, and the better half of those
  another epochs/2 — so the best quarter gets the full `epochs` and the generation costs half
  as many epochs. A child dropped early keeps the fitness it had.
"""

import numpy as np

__all__ = ["CHECKPOINTS", "HALVING", "subset_rows", "train_watching_the_trend"]

CHECKPOINTS = 4
"""Chunks of a child's training between which early stopping looks at its learning curve."""

HALVING = (0.25, 0.25, 0.5)
"""Successive halving: each round's share of `epochs`; after each round but the last, the
better half of the children still training goes on."""


def subset_rows(n, fraction, rng):
    """Sorted indices of round(fraction · n) rows (at least one) drawn without replacement."""
    if fraction is None or fraction >= 1.0:
        return np.arange(n)
    return np.sort(rng.choice(n, size=max(1, int(round(fraction * n))), replace=False))


def train_watching_the_trend(train, score, epochs, start_loss, to_beat):
    """Train in :data:`CHECKPOINTS` chunks, stopping when the trend says `to_beat` is out of reach.

    Parameters
    ----------
    train : callable
        ``train(epochs)`` trains the child that many epochs more.
    score : callable
        ``score()`` is the child's validation loss now.
    epochs : int
    start_loss, to_beat : float
        The loss before training (the parent's), and the best loss of the previous generation.

    Returns
    -------
    int
        The epochs trained.
    """
    chunks = [epochs // CHECKPOINTS + (c < epochs % CHECKPOINTS) for c in range(CHECKPOINTS)]
    chunks = [c for c in chunks if c]
    trained, before = 0, start_loss
    for c, chunk in enumerate(chunks):
        train(chunk)
        trained += chunk
        remaining = len(chunks) - c - 1
        if not remaining:
            break
        now = score()
        hoped = now - remaining * max(0.0, before - now)
        if hoped > to_beat:
            break
        before = now
    return trained
