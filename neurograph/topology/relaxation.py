r"""Search by gradient: a continuous relaxation of the topology (Lecture 07-5c's "gradient
descent in network architecture space").

Every candidate edge of a dense DAG over a budget of hidden neurons — each hidden neuron fed
by the bias, the inputs (and features) and every earlier hidden neuron, each output by all of
them — carries a gate :math:`z_{ij}` besides its weight: the network computes with the
effective weights :math:`w_{ij} z_{ij}`. Weights and gates are trained together, by Adam on the
full batch, on the loss plus λ times the gates' price (:mod:`~neurograph.topology.gates`: an
L1 price on :math:`|z_{ij}|`, or Louizos et al.'s hard-concrete L0 gates, priced by the
expected number of edges kept). Then the network is pruned to the edges that matter — the
least important (smallest :math:`|w_{ij} z_{ij}|`) removed one at a time, never one that would
cut every path to an output, dangling neurons with them, until at most `max_edges` remain and
no gate left is below `threshold` of the largest — and the pruned network is retrained.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..model.activations import get_activation
from ..model.network import Network
from ..training.optimizers import make_optimizer
from .features import add_features
from .gates import GATES, gated_cost_and_grad
from .operators import check_outputs_reachable

__all__ = ["GradientSearchResult", "gradient_search", "dense_dag"]


@dataclass
class GradientSearchResult:
    """What :func:`gradient_search` found.

    Attributes
    ----------
    best : Network
        The pruned network, retrained.
    gated : Network
        The dense DAG after the gated training, its weights the effective w_ij s_ij.
    gates : dict
        z_ij of every candidate edge (i, j) after the gated training (for ``"l0"`` the
        test-time gate, 0 for the edges the hard-concrete gates closed).
    history : dict
        ``"gated"``: J(w, g) for each epoch of the gated training (the price included; for
        ``"l0"`` at that epoch's noise);
        ``"retrain"``: the retraining's J per epoch; ``"seconds"``: the wall time of each
        phase ("gated", "prune", "retrain").
    """

    best: Network
    gated: Network
    gates: dict
    history: dict = field(default_factory=dict)


def dense_dag(p, K, neurons, activations=("sin",), output_activation="logistic", seed=0,
              features=(), depth=None):
    """The candidate network: inputs 1 … p, outputs p + 1 … p + K, hidden neurons after them
    (g taken from `activations` in turn), every edge a DAG over that order allows, weights
    from U(−1, 1); `features` as :func:`~neurograph.topology.features.add_features` adds them,
    feeding every hidden neuron and output. `depth` (default: `neurons`, no limit) splits the
    hidden neurons into that many equal tiers in order, a neuron fed only from earlier tiers,
    so no path has more than `depth` hidden neurons (skip edges across tiers stay).

    Examples
    --------
    >>> from neurograph.topology.relaxation import dense_dag
    >>> net = dense_dag(2, 1, 3)
    >>> len(net.w)                  # 3 + 4 + 5 into the hidden neurons, 6 into the output
    18
    """
    rng = checks.generator(seed)
    inputs, outputs = list(range(1, p + 1)), list(range(p + 1, p + K + 1))
    net = Network.from_weights({(i, k): 0.0 for k in outputs for i in [0, *inputs]},
                               activation=output_activation, inputs=inputs)
    sources = [*inputs, *add_features(net, features)]
    depth = neurons if depth is None else depth
    tier_of = [h * depth // neurons for h in range(neurons)]
    j, earlier = max(n.id for n in net.neurons) + 1, list(sources)
    for h in range(neurons):
        if h and tier_of[h] != tier_of[h - 1]:
            earlier = list(sources)
        net.add_neuron(j, activation=activations[h % len(activations)])
        for i in earlier:
            net.connect(i, j, 0.0)
        sources.append(j)
        j += 1
    for k in outputs:
        for i in sources[p:]:
            net.connect(i, k, 0.0)
    frozen = set(net.frozen)
    net.set_weights({edge: float(rng.uniform(-1.0, 1.0)) for edge in sorted(net.w)
                     if edge not in frozen})
    return net


def gradient_search(X, Y, neurons=12, activations=("sin",), output_activation="logistic",
                    loss="log", penalty="l1", strength=1e-3, epochs=2000, lr=0.02, max_edges=60,
                    threshold=0.05, retrain_epochs=2000, seed=0, features=(), depth=None):
    """Search a topology by gradient: gates on a dense DAG's edges, an L1 or L0 price, prune,
    retrain.

    Parameters
    ----------
    X, Y : array_like
        The training examples.
    neurons : int, default 12
        The budget of hidden neurons in the dense DAG.
    depth : int, optional
        At most this many hidden neurons on any path (tiers of the dense DAG: :func:`dense_dag`);
        default no limit.
    activations : sequence of str, default ("sin",)
        The hidden neurons' g, in turn (hidden neuron h computes ``activations[h % len]``).
    output_activation, loss : str
        As for :meth:`Network.fit`; default logistic outputs and the log loss.
    penalty : {"l1", "l0"}, default "l1"
        The gates and their price (:mod:`~neurograph.topology.gates`): ``"l1"``, z = s priced
        λ|s|; ``"l0"``, Louizos et al.'s hard-concrete gates priced λ P(z ≠ 0).
    strength : float, default 1e-3
        λ.
    epochs, lr : int, float
        The gated training: full-batch Adam with step size `lr`.
    max_edges : int, default 60
        The most edges (bias edges included) the pruned network keeps.
    threshold : float, default 0.05
        Edges whose gate is below this fraction of the largest |s_ij| are pruned too.
    retrain_epochs : int, default 2000
        Full-batch Adam epochs for the pruned network (0: none), with step size `lr`/4: the
        weights are already trained, and Adam's first steps are ±α whatever the gradient.
    seed : int, default 0
    features : sequence of str, default ()
        Features of the inputs (see :func:`~neurograph.topology.features.add_features`).

    Returns
    -------
    GradientSearchResult

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.xor()
    >>> found = ng.gradient_search(X, Y, neurons=3, epochs=300, lr=0.05, retrain_epochs=300,
    ...                            max_edges=9)
    >>> len(found.best.w), bool(((found.best.predict(X) >= 0.5) == Y).all())
    (4, True)
    """
    X, Y = checks.paired(X, Y)
    neurons = checks.Count("neurons", minimum=1)(neurons)
    epochs = checks.option("epochs", epochs)
    retrain_epochs = checks.Count("retrain_epochs", minimum=0)(retrain_epochs)
    lr = checks.option("lr", lr)
    max_edges = checks.Count("max_edges", minimum=1)(max_edges)
    gate = _gate(penalty)
    strength = checks.Number("strength", at_least=0.0, rule="a number ≥ 0")(strength)
    threshold = checks.Number("threshold", at_least=0.0, below=1.0,
                              rule="from 0 up to (not including) 1")(threshold)
    if isinstance(activations, (str, bytes)) or not hasattr(activations, "__iter__"):
        raise NetworkError(f"activations must be a sequence of activation names such as "
                           f"('sin', 'tanh'); received {describe(activations)}")
    gs = [get_activation(a) for a in activations]
    if not gs or any(g.group for g in gs):
        raise NetworkError(f"activations must name at least one activation computed one "
                           f"neuron at a time; received {describe(activations)}")
    seconds = {}
    start = time.perf_counter()
    if depth is not None:
        depth = checks.Count("depth", minimum=1, maximum=neurons)(depth)
    rng = checks.generator(seed)
    net = dense_dag(X.shape[1], Y.shape[1], neurons, tuple(g.name for g in gs),
                    output_activation, rng, features, depth)
    net.cost_and_grad(net.theta(), X[:1], Y[:1], loss=loss)  # refuses a loss that does not fit
    edges = net.theta_edges()
    w, g = net.theta(), gate.start(len(edges))
    adam, history = make_optimizer("adam"), []
    for _ in range(epochs):
        u = gate.noise(len(g), rng)
        J, grad_w, grad_g = gated_cost_and_grad(net, gate, w, g, u, X, Y, loss, strength)
        history.append(J)
        step = adam.step(np.concatenate([w, g]), np.concatenate([grad_w, grad_g]), lr)
        w, g = step[:len(w)], step[len(w):]
    z = gate.value(g)
    gates = {edge: float(z_ij) for edge, z_ij in zip(edges, z)}
    net.set_theta(w * z)
    seconds["gated"] = time.perf_counter() - start
    start = time.perf_counter()
    best = _pruned(net, gates, max_edges, threshold)
    seconds["prune"] = time.perf_counter() - start
    start = time.perf_counter()
    retrained = []
    if retrain_epochs:
        retrained = best.fit(X, Y, lr=lr / 4, epochs=retrain_epochs, batch_size=len(X), loss=loss,
                             optimizer="adam", seed=0).loss
    seconds["retrain"] = time.perf_counter() - start
    return GradientSearchResult(best, net, gates, {"gated": history, "retrain": list(retrained),
                                                   "seconds": seconds})


def _gate(penalty):
    """The gate `penalty` names; a number (what `penalty` took before) is pointed to strength=."""
    if isinstance(penalty, (int, float, np.number)) and not isinstance(penalty, (bool, np.bool_)):
        raise NetworkError(f"penalty names the gates' price, 'l1' or 'l0'; λ is strength= "
                           f"(gradient_search(..., penalty='l1', strength=λ)); "
                           f"received penalty={describe(penalty)}")
    if not isinstance(penalty, str) or penalty not in GATES:
        raise NetworkError(f"penalty must be one of {', '.join(map(repr, GATES))}; "
                           f"received {describe(penalty)}")
    return GATES[penalty]


def _pruned(gated, gates, max_edges, threshold):
    """A copy of `gated` without its least important edges (see the module's text)."""
    net = gated.copy()
    largest = max((abs(s) for s in gates.values()), default=0.0)
    frozen = set(net.frozen)
    order = sorted((edge for edge in gates if edge not in frozen),
                   key=lambda edge: (abs(gated.w[edge]), edge))
    for edge in order:
        if edge not in net.w:  # gone with a dangling neuron
            continue
        if len(net.w) <= max_edges and abs(gates[edge]) >= threshold * largest:
            continue
        try:
            check_outputs_reachable(net, {edge}, "pruning")
        except NetworkError:
            continue
        net.disconnect(*edge)
        net.remove_dangling()
    return net
