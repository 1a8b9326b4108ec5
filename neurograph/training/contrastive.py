r"""Contrastive divergence (Lecture 23): how a restricted Boltzmann machine learns.

For a mini-batch B of visible vectors v:

- positive phase: P(h = 1 | v) for the data;
- negative phase: k rounds of block Gibbs sampling, h ~ P(h | v), v ~ P(v | h), starting
  from the data (CD-k) or from chains kept from the last batch (persistent CD);
- update, for every edge and bias:
  w_ij ← w_ij + α (⟨v_i P(h_j | v)⟩_B − ⟨ṽ_i P(h_j | ṽ)⟩_B), w_0j and w_0i alike,

the difference of the two phases estimating the log-likelihood's gradient
⟨v_i h_j⟩_data − ⟨v_i h_j⟩_model. Seeded: the same seed, the same run.

An RBM's weights obey the rule of every network's: an update that would make one NaN or
take it beyond ±WEIGHT_LIMIT (1e100) ends the run with a DivergedError, the weights put
back as they were before that epoch (the error's ``.history`` holds the epochs before).
"""

import math

import numpy as np

from .. import checks
from .history import History
from .loop import WEIGHT_LIMIT, diverged_error

__all__ = ["fit"]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def fit(rbm, X, lr=0.05, epochs=20, batch_size=10, k=1, persistent=False, seed=0,
        shuffle=True):
    """Train `rbm` by CD-k or persistent CD; see :meth:`RBM.fit`."""
    X = rbm.data(X, "X")
    lr, epochs = checks.option("lr", lr), checks.option("epochs", epochs)
    batch_size = checks.option("batch_size", batch_size)
    k = checks.option("k", k)
    persistent, shuffle = checks.flag(persistent, "persistent"), checks.flag(shuffle, "shuffle")
    rng = checks.generator(seed)
    W, b, c = rbm.W, rbm.b, rbm.c
    chains = None  # persistent CD: the hidden states of the kept chains
    history = History()
    binary = bool(np.isin(X, (0.0, 1.0)).all())
    for epoch in range(1, epochs + 1):
        start = (W.copy(), b.copy(), c.copy())
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        for first in range(0, len(X), batch_size):
            v = X[order[first:first + batch_size]]
            # positive phase
            p_h = _sigmoid(v @ W + b)
            # negative phase: k rounds of Gibbs sampling
            if persistent:
                if chains is None or len(chains) != len(v):
                    chains = (rng.random(p_h.shape) < p_h) * 1.0
                h = chains
            else:
                h = (rng.random(p_h.shape) < p_h) * 1.0
            for _ in range(k):
                v_model = (rng.random(v.shape) < _sigmoid(h @ W.T + c)) * 1.0
                p_h_model = _sigmoid(v_model @ W + b)
                h = (rng.random(p_h_model.shape) < p_h_model) * 1.0
            if persistent:
                chains = h
            # w_ij ← w_ij + α (⟨v_i P(h_j|v)⟩ − ⟨ṽ_i P(h_j|ṽ)⟩)
            rate = lr / len(v)
            with np.errstate(over="ignore", invalid="ignore"):  # refused just below
                W += rate * (v.T @ p_h - v_model.T @ p_h_model)
                b += rate * (p_h.sum(axis=0) - p_h_model.sum(axis=0))
                c += rate * (v.sum(axis=0) - v_model.sum(axis=0))
            if not all(_within(array) for array in (W, b, c)):
                break
        else:
            sample = X if binary else (rng.random(X.shape) < X) * 1.0
            cost = -rbm.pseudo_likelihood(sample, seed=rng)
            if math.isfinite(cost):
                history.record(cost, None, None)
                continue
        for array, before in zip((W, b, c), start):  # back to the weights before this epoch
            array[...] = before
        raise diverged_error(epoch, history)
    return history


def _within(array):
    """Every entry finite and within ±WEIGHT_LIMIT (NaN fails the comparison)."""
    return bool(np.all(np.abs(array) <= WEIGHT_LIMIT))
