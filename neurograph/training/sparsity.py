r"""UFLDL's sparsity penalty (“Multi-level networks”, Lecture 25): hidden neurons mostly off.

With ρ̂_j the mean of a_j over the batch, J(θ) gains

.. math:: \beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j), \quad
   \mathrm{KL}(\rho \| \hat\rho_j) = \rho \log \frac{\rho}{\hat\rho_j}
   + (1 - \rho) \log \frac{1 - \rho}{1 - \hat\rho_j},

and each example's Δ_j of such a neuron gains β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) g′(in_j) — the
term the engines add to Σ_k w_jk Δ_k before multiplying by g′(in_j).

>>> from neurograph.training.sparsity import Sparsity
>>> penalty, slopes = Sparsity(0.1, 3.0, []).terms([0.1, 0.5])  # 3·(0.1 ln 0.2 + 0.9 ln 1.8)
>>> round(penalty, 6), [round(s, 6) for s in slopes]
(1.104193, [0.0, 4.8])
"""

import math

from .. import checks
from ..errors import NetworkError, describe

__all__ = ["Sparsity", "sparsity_of"]


class Sparsity:
    """ρ, β and the neurons the penalty reaches; :meth:`terms` gives the engines' numbers."""

    def __init__(self, rho, beta, neurons):
        self.rho, self.beta, self.neurons = rho, beta, neurons

    def kl(self, rho_hat):
        """KL(ρ ‖ ρ̂) of one neuron."""
        rho = self.rho
        return rho * math.log(rho / rho_hat) + (1 - rho) * math.log((1 - rho) / (1 - rho_hat))

    def terms(self, rho_hats):
        """(β Σ_j KL(ρ ‖ ρ̂_j), [β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) for each neuron])."""
        for neuron, rho_hat in zip(self.neurons, rho_hats):
            if not 0.0 < rho_hat < 1.0:
                raise NetworkError(f"the sparsity penalty needs each mean activation ρ̂_j "
                                   f"strictly between 0 and 1 (logistic neurons); neuron "
                                   f"{neuron.id} has ρ̂ = {rho_hat!r}")
        penalty = self.beta * sum(self.kl(rho_hat) for rho_hat in rho_hats)
        rho = self.rho
        return penalty, [self.beta * (-rho / r + (1 - rho) / (1 - r)) for r in rho_hats]


def sparsity_of(net, sparsity, neurons=None):
    """`sparsity` = (ρ, β) checked, for `neurons` (default: the hidden ones), or None."""
    if sparsity is None:
        return None
    if not isinstance(sparsity, (tuple, list)) or len(sparsity) != 2:
        raise NetworkError(f"sparsity must be a pair (rho, beta); received {describe(sparsity)}")
    rho = checks.weight(sparsity[0], "rho (ρ)")
    beta = checks.weight(sparsity[1], "beta (β)")
    if not 0.0 < rho < 1.0:
        raise NetworkError(f"rho (ρ), the target mean activation, must be strictly between 0 "
                           f"and 1; received {rho!r}")
    if beta < 0.0:
        raise NetworkError(f"beta (β), the sparsity penalty's weight, must be ≥ 0; "
                           f"received {beta!r}")
    ids = net.hidden if neurons is None else neurons
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise NetworkError(f"sparsity_neurons must be a list of neuron ids; received "
                           f"{describe(ids)}")
    chosen = [net.neuron(j) for j in ids]
    for neuron in chosen:
        if not neuron.is_processing:
            article = "an" if neuron.kind == "input" else "the"
            raise NetworkError(f"sparsity_neurons lists neuron {neuron.id}, {article} "
                               f"{neuron.kind} neuron; the penalty is for processing neurons")
        if neuron.norm is not None:
            raise NetworkError(f"neuron {neuron.id} is batch-normalized: its batch mean is β_j "
                               f"by construction, so a sparsity penalty on it is not supported")
    if not chosen:
        raise NetworkError("sparsity needs hidden neurons (or sparsity_neurons) to act on; "
                           "the network has none")
    return Sparsity(rho, beta, chosen)
