"""NEAT's speciation for :func:`~neurograph.topology.evolution.evolve`: compatibility
distance, species, fitness sharing (Stanley and Miikkulainen 2002).

NEAT compares two genomes by the genes they do not share and by how far the weights of the
genes they share differ. Here a network's genes are its edges, named by the neurons they join
(i, j) — there are no innovation numbers, so a split edge's new neuron is the same gene in two
networks only when it has the same id:

    δ(a, b) = c_edges · |E_a △ E_b| / max(|E_a|, |E_b|) + c_weights · mean |w_ij^a − w_ij^b|

(△: the edges in one network and not the other; the mean over the edges both have, 0 when
none). A network joins the first species whose representative is within the threshold δ_t,
or founds a new one; the representatives are the previous generation's (its species' first
member), so species last across generations. Fitness sharing divides each network's fitness
— shifted so that the worst of the generation counts 0 — by the size of its species, so a
species that fills the population is not favoured over a new one while the new one's
weights are still training.

Examples
--------
>>> a = {(0, 3): 1.0, (1, 3): 0.5}
>>> b = {(0, 3): 0.0, (2, 3): 0.5}
>>> distance(a, b)  # 2 of 2 edges unshared: 1.0; the one shared differs by 1: 0.4 · 1
1.4
>>> speciate([a, a, b], threshold=1.0)
([0, 0, 1], [{(0, 3): 1.0, (1, 3): 0.5}, {(0, 3): 0.0, (2, 3): 0.5}])
>>> shared_fitness([-1.0, -2.0, -3.0], [0, 0, 1]).tolist()
[1.0, 0.5, 0.0]
"""

import numpy as np

__all__ = ["distance", "speciate", "shared_fitness", "C_EDGES", "C_WEIGHTS"]

C_EDGES = 1.0
"""c_edges: the weight in δ of the unshared edges (NEAT's c₁ = c₂)."""

C_WEIGHTS = 0.4
"""c_weights: the weight in δ of the mean weight difference of the shared edges (NEAT's c₃)."""


def distance(a, b):
    """NEAT's compatibility distance δ between two networks' weights ``{(i, j): w_ij}``.

    Parameters
    ----------
    a, b : dict
        Each network's weights ``{(i, j): w_ij}``.

    Returns
    -------
    float
        c_edges · (unshared edges) / (the larger edge count) + c_weights · (mean
        |w_ij^a − w_ij^b| over the shared edges, 0 when none).

    Examples
    --------
    >>> distance({(1, 3): 1.0}, {(1, 3): 0.5})   # no unshared edge; 0.4 · 0.5
    0.2
    """
    shared = a.keys() & b.keys()
    unshared = len(a.keys() ^ b.keys())
    size = max(len(a), len(b), 1)
    weights = np.mean([abs(a[e] - b[e]) for e in shared]) if shared else 0.0
    return float(C_EDGES * unshared / size + C_WEIGHTS * weights)


def speciate(weights, threshold, representatives=()):
    """Each network's species, and the species' representatives for the next generation.

    Parameters
    ----------
    weights : list of dict
        Each network's ``{(i, j): w_ij}``, fittest first.
    threshold : float
        δ_t: a network joins the first species whose representative is within it.
    representatives : sequence of dict
        The species of the previous generation (their representatives' weights).

    Returns
    -------
    species : list of int
        Each network's species, numbered in order of the representatives still present,
        then of the species founded now.
    representatives : list of dict
        Each species' first member, in that order.
    """
    kept = list(representatives)
    members = [[] for _ in kept]
    species = []
    for w in weights:
        for s, rep in enumerate(kept):
            if distance(w, rep) <= threshold:
                break
        else:
            kept.append(w)
            members.append([])
            s = len(kept) - 1
        members[s].append(len(species))
        species.append(s)
    alive = [s for s in range(len(kept)) if members[s]]
    renumber = {s: n for n, s in enumerate(alive)}
    return ([renumber[s] for s in species],
            [weights[members[s][0]] for s in alive])


def shared_fitness(fitness, species):
    """Fitness sharing: (f − the worst f) / (the size of the network's species).

    Parameters
    ----------
    fitness : array_like of float (n,)
        Each network's fitness, higher is better.
    species : array_like of int (n,)
        Each network's species, as :func:`speciate` numbers them.

    Returns
    -------
    ndarray of float (n,)
        The shared fitness: 0 for the worst network, never negative.

    Examples
    --------
    >>> shared_fitness([0.0, 1.0, 1.0], [0, 1, 1]).tolist()   # species 1 has two members
    [0.0, 0.5, 0.5]
    """
    fitness = np.asarray(fitness, dtype=float)
    species = np.asarray(species)
    sizes = np.bincount(species)[species]
    return (fitness - fitness.min()) / sizes
