"""Architecture search by evolution with backprop (NEAT's mutations, trained weights).

A population of DAGs evolves: each generation keeps its best few unchanged
(elitism), and fills the rest with children of parents chosen by tournament. A
child is its parent's network — trained weights and all — changed by one mutation
(add an edge, split an edge, remove an edge, change an activation), then trained by
backpropagation for a few epochs, and scored on a validation split:

    fitness = −(validation loss) − size_penalty × (number of edges).

Lecture 07-5c's speed-ups (training on a subset, early stopping from the learning curve,
successive halving: :mod:`~neurograph.topology.budgets`), Playground's input features
(:mod:`~neurograph.topology.features`) and a start from random DAGs over many neurons
(``start_hidden``) are options, and so are NEAT's speciation (:mod:`~neurograph.topology.species`)
and a last refit of the best network on all the examples (``refit``); :data:`COMPOSITIONAL`
is what solves the two spirals.

Every random choice is drawn from `seed` in a fixed order, and each child from a
seed of its own, so the result is the same for any `n_jobs`; children are trained
in parallel by joblib (processes), or on a Dask cluster through joblib's Dask
backend (``backend="dask"`` with a ``dask.distributed.Client`` running).
"""

from dataclasses import dataclass, field

import numpy as np

from .. import checks
from ..errors import NetworkError, describe
from ..model.activations import get_activation
from ..model.losses import LOSSES, get_loss
from ..training.optimizers import OPTIMIZERS, SCIPY_METHODS
from ..model.network import Network
from .features import add_features, feature_neurons
from .operators import check_outputs_reachable
from .budgets import HALVING, early_stop_rule, fit_estimate, subset_rows, train_with_estimate
from .relaxation import dense_dag
from .species import shared_fitness, speciate

__all__ = ["EvolutionResult", "evolve", "mutate", "scored_losses", "BACKENDS", "STEP_OPTIMIZERS",
           "COMPOSITIONAL"]

MUTATIONS = {"add_edge": 0.35, "split_edge": 0.25, "remove_edge": 0.15, "activation": 0.15,
             "none": 0.10}
"""Each mutation's probability (\"none\": only more training)."""


BACKENDS = (None, "loky", "threading", "dask", "multiprocessing")
"""joblib backends the search runs its children on (None: processes, "loky")."""

STEP_OPTIMIZERS = tuple(name for name in OPTIMIZERS if name not in SCIPY_METHODS)
"""The optimizers a child trains with: those taking a step per batch (not scipy's)."""

COMPOSITIONAL = {"population": 16, "generations": 40, "epochs": 200, "lr": 0.02,
                 "optimizer": "adam", "loss": "log", "size_penalty": 1e-4,
                 "activations": ("sin",), "max_edges": 60, "start_hidden": 10, "start_depth": 2,
                 "refit": 200}
"""Settings measured on the two spirals (inputs scaled by 0.7, to about ±4.5): sin neurons,
each network starting as a random 60-edge DAG over 10 hidden neurons in two tiers, each child
trained 200 full-batch Adam epochs on top of its parent's weights, at most 40 generations,
the best refitted 200 epochs on all the examples:
``evolve(X, Y, stop_error=0.0, **COMPOSITIONAL)``. Weight decay (λ = 1e-4) and speciation
(δ_t = 0.3 or 0.5) did not help there; they are off. The README's "Search that solves the
spirals" gives the figures and the command. The function's own defaults stay NEAT's (a
minimal start, a few SGD epochs), which solve XOR."""


def scored_losses(output_activation):
    """The losses a search can score with `output_activation` outputs: the quadratic ones, and
    those paired exactly with a logistic-like output (a_k a probability: the log loss)."""
    return tuple(name for name, loss in LOSSES.items()
                 if loss.quadratic or (not output_activation.group
                                       and output_activation.strictly_inside
                                       and loss.exact(output_activation)))


@dataclass
class EvolutionResult:
    """What :func:`evolve` found.

    Attributes
    ----------
    best : Network
        The fittest network of the last generation (refitted, with ``refit=``).
    fitness : float
        Its fitness in the search (before any refit).
    history : list of dict
        One entry per generation: ``generation``, ``best_fitness``, ``mean_fitness``,
        ``loss`` and ``error`` (the best's validation loss and misclassified fraction),
        ``edges``, ``hidden``, ``depth`` of the best, ``best`` (its document), and
        ``epochs``: the epochs its networks were trained in all (the search's cost, which
        `subset`, `early_stop` and `halving` cut).
    population : list of Network
        The last generation, fittest first.
    """

    best: Network
    fitness: float
    history: list = field(default_factory=list)
    population: list = field(default_factory=list)

    @property
    def solved_at(self):
        """The first generation whose best misclassifies nothing in validation (None: none did)."""
        return next((h["generation"] for h in self.history if h["error"] == 0.0), None)


def evolve(X, Y, population=50, generations=30, seed=0, n_jobs=1, backend=None,
           validation=None, validation_fraction=0.25, epochs=20, lr=0.5, batch_size=None,
           optimizer="sgd", loss="squared", size_penalty=1e-3, tournament=3, elite=2,
           max_edges=None, activations=("logistic", "tanh", "relu"), output_activation="logistic",
           stop_error=None, features=(), start_hidden=0, start_depth=None, subset=None,
           early_stop=False, halving=False, weight_decay=0.0, refit=0, species=None):
    """Search network topologies by evolution, each candidate trained by backprop.

    Parameters
    ----------
    X, Y : array_like
        The examples.
    population : int, default 50
    generations : int, default 30
    seed : int, default 0
        The whole search is a function of it (and not of `n_jobs`).
    n_jobs : int, default 1
        Processes training the children (joblib).
    backend : str, optional
        joblib's backend: None (processes, "loky"), "threading", or "dask" (a
        ``dask.distributed.Client`` must be running; the children then train on its
        workers).
    validation : (X_val, Y_val), optional
        Where fitness is measured. Default: a seeded `validation_fraction` (strictly
        between 0 and 1, checked even where it is not used) of the examples is held out —
        or, below 20 examples (XOR), the examples themselves.
    epochs, lr, batch_size, optimizer, loss
        How each child is trained (``Network.fit``; batch_size None: the full batch;
        optimizer one of :data:`STEP_OPTIMIZERS`) and scored on the validation examples
        (loss: one of :func:`scored_losses`, "squared" or "log" with logistic outputs).
    size_penalty : float, default 1e-3
        Fitness lost per edge.
    tournament : int, default 3
        Parents are the fittest of this many drawn at random.
    elite : int, default 2
        The fittest this many pass to the next generation unchanged.
    max_edges : int, optional
        A weight budget: mutations that would exceed it are not made.
    activations : sequence of str
        What hidden neurons may compute (new neurons and "change activation").
    output_activation : str, default "logistic"
    stop_error : float, optional
        Stop early once the best misclassifies at most this fraction in validation (from 0
        up to, not including, 1).
    features : sequence of str, default ()
        Features of the inputs every network starts with, as neurons of its own
        (:func:`~neurograph.topology.features.add_features`): e.g.
        :data:`~neurograph.topology.features.PLAYGROUND`, ``("x1^2", "x2^2", "x1*x2",
        "sin(x1)", "sin(x2)")``. They are joined to the outputs at the start like the inputs;
        mutations never change a feature or its frozen edges (a feature whose last outgoing
        edge is removed leaves that network). ``predict`` takes the raw x.
    start_hidden : int, default 0
        0: NEAT's start, the inputs (and features) joined straight to the outputs. H ≥ 1:
        each starting network is a random sparse DAG over H hidden neurons instead — the
        dense DAG of :func:`~neurograph.topology.relaxation.dense_dag`, each hidden g drawn
        from `activations`, with random edges removed (never one that cuts an output off)
        until at most `max_edges` remain (default: half the dense DAG's). Growing one
        neuron per mutation from nothing is slow where many neurons are needed (the spirals).
    start_depth : int, optional
        With `start_hidden`: the dense DAG's tiers (at most this many hidden neurons on a
        path; default no limit).
    subset : float, optional
        Each child trains on this fraction (0 < subset ≤ 1) of the training examples, drawn
        from its own seed (:mod:`~neurograph.topology.budgets`).
    early_stop : bool or "learned", default False
        Stop a child whose learning curve, carried on straight (True), or as a regression fitted
        on the curves of the children trained to the end predicts it ("learned"), cannot reach
        the previous generation's best validation loss (the rules:
        :mod:`~neurograph.topology.budgets`). "learned" is refused with `halving`.
    halving : bool, default False
        Successive halving of each generation's epochs: all children train epochs/4, the
        better half another epochs/4, the better half of those another epochs/2.
    weight_decay : float, default 0
        λ of every child's training (``Network.fit``: each update also subtracts 2αλ w_ij).
    refit : int, default 0
        After the search, the best network's weights train this many more epochs (as a
        child trains) on all the examples given — the training split and the validation
        examples split from them (not an explicit `validation`) — and that network is the
        result's `best`. 0: no refit.
    species : float, optional
        NEAT's speciation (:mod:`~neurograph.topology.species`) with this compatibility
        threshold δ_t > 0: tournaments pick the parent of the best shared fitness (fitness
        over the size of its species), and each history entry counts the ``species``.
        None: no species, tournaments pick the fittest.

    Returns
    -------
    EvolutionResult

    Examples
    --------
    >>> import neurograph as ng
    >>> X, Y = ng.datasets.xor()
    >>> result = ng.evolve(X, Y, population=12, generations=3, seed=0)
    >>> len(result.history), result.best.inputs
    (3, [1, 2])
    """
    X, Y = checks.paired(X, Y)
    activations_given = activations
    population = checks.option("population", population)
    generations = checks.option("generations", generations)
    n_jobs = checks.option("n_jobs", n_jobs)
    epochs = checks.option("epochs", epochs)
    lr = checks.option("lr", lr)
    tournament = checks.Count("tournament", minimum=1, maximum=population)(tournament)
    elite = checks.Count("elite", minimum=0, maximum=population - 1)(elite)
    size_penalty = checks.Number("size_penalty", at_least=0.0, rule="≥ 0")(size_penalty)
    g_out = get_activation(output_activation)
    if not (isinstance(loss, str) and loss in scored_losses(g_out)):
        raise NetworkError(f"loss must be one of {', '.join(map(repr, scored_losses(g_out)))} "
                           f"with {g_out.name} outputs; received {describe(loss)}")
    if get_loss(loss).check is not None:  # the targets it is defined for (the log loss: [0, 1])
        get_loss(loss).check(Y, g_out.g(np.zeros_like(Y)), g_out)
    if backend not in BACKENDS:
        raise NetworkError(f"backend must be one of {', '.join(map(repr, BACKENDS))}; "
                           f"received {describe(backend)}")
    if max_edges is not None:
        max_edges = checks.Count("max_edges", minimum=1)(max_edges)
    if isinstance(activations, (str, bytes)) or not hasattr(activations, "__iter__"):
        raise NetworkError(f"activations must be a sequence of activation names such as "
                           f"('tanh', 'relu'); received {describe(activations)}")
    activations = tuple(get_activation(a) for a in activations)
    if not activations:
        raise NetworkError("activations must name at least one activation")
    grouped = [g.name for g in activations if g.group]
    if grouped:
        raise NetworkError(f"hidden neurons compute one g each: {grouped[0]} cannot be theirs "
                           f"(received activations={describe(activations_given)})")
    activations = tuple(g.name for g in activations)
    validation_fraction = checks.option("validation_fraction", validation_fraction)
    if stop_error is not None:
        stop_error = checks.option("stop_error", stop_error)
    rng = checks.generator(seed)
    train, valid = _split(X, Y, validation, validation_fraction, rng)
    if optimizer not in STEP_OPTIMIZERS:
        raise NetworkError(f"optimizer must be one of {', '.join(map(repr, STEP_OPTIMIZERS))}; "
                           f"received {describe(optimizer)}")
    if batch_size is not None:
        batch_size = checks.option("batch_size", batch_size)
    if subset is not None:
        subset = checks.Number("subset", above=0.0, at_most=1.0,
                               rule="a fraction above 0, at most 1")(subset)
    early_stop, halving = early_stop_rule(early_stop), checks.flag(halving, "halving")
    if early_stop == "learned" and halving:  # no child trains all `epochs` in one go
        raise NetworkError("early_stop='learned' learns from the curves of children trained "
                           "all the epochs in one run, and halving=True splits every child's "
                           "epochs into rounds: use one of them; received early_stop='learned' "
                           "with halving=True")
    weight_decay = checks.option("weight_decay", weight_decay)
    refit = checks.Count("refit", minimum=0)(refit)
    if species is not None:
        species = checks.Number("species (the compatibility threshold δ_t)", above=0.0,
                                rule="positive")(species)
    settings = {"train": train, "valid": valid, "epochs": epochs, "lr": lr,
                "batch_size": batch_size, "optimizer": optimizer, "loss": loss,
                "size_penalty": size_penalty,
                "activations": activations, "max_edges": max_edges, "subset": subset,
                "early_stop": early_stop, "to_beat": np.inf, "weight_decay": weight_decay,
                "estimate": None}
    curves = []  # early_stop="learned": the learning curves of children trained to the end
    run = (settings, n_jobs, backend, halving)
    p, K = X.shape[1], Y.shape[1]
    start_hidden = checks.Count("start_hidden", minimum=0)(start_hidden)
    if start_depth is not None:
        start_depth = checks.Count("start_depth", minimum=1, maximum=max(1, start_hidden))(
            start_depth)
    _minimal(p, K, output_activation, np.random.default_rng(0), features)  # checks them
    parents = [(_start(p, K, output_activation, rng, features, start_hidden, start_depth,
                       activations, max_edges).to_document(), _seed(rng), False)
               for _ in range(population)]
    scored = _generation(parents, rng, *run)
    if not all(np.isfinite(s[2]) for s in scored):  # the history would hold ∞ from the start
        raise NetworkError(f"the {loss} loss on the validation examples is not finite for a "
                           f"starting network: the targets are too large for floating point")
    history, representatives = [], []
    for generation in range(generations):
        order = sorted(range(population), key=lambda c: (-scored[c][1], c))
        scored = [scored[c] for c in order]
        best_doc, best_fitness, best_loss, best_error = scored[0][:4]
        best = Network.from_document(best_doc)
        history.append({"generation": generation, "best_fitness": best_fitness,
                        "mean_fitness": float(np.mean([s[1] for s in scored])),
                        "loss": best_loss, "error": best_error, "edges": len(best.w),
                        "hidden": len(best.hidden), "depth": _depth(best), "best": best_doc,
                        "epochs": int(sum(s[4] for s in scored))})
        if species is not None:
            kinds, representatives = speciate(
                [dict(Network.from_document(s[0]).w) for s in scored], species, representatives)
            shared = shared_fitness([s[1] for s in scored], kinds)
            history[-1]["species"] = len(representatives)
        settings["to_beat"] = best_loss
        if early_stop == "learned":
            curves += [s[5] for s in scored if len(s) > 5 and s[5] is not None]
            settings["estimate"] = fit_estimate(curves)
        if generation == generations - 1 or (stop_error is not None and best_error <= stop_error):
            break
        children = []
        for _ in range(population - elite):
            drawn = np.sort(rng.choice(population, size=tournament, replace=False))
            parent = drawn[0] if species is None else drawn[int(np.argmax(shared[drawn]))]
            children.append((scored[int(parent)][0], _seed(rng), True))  # fittest first
        scored = [(*s[:4], 0) for s in scored[:elite]] + _generation(children, rng, *run)
    if refit:
        best = _refit(best, X if validation is None else train[0],
                      Y if validation is None else train[1], refit, settings, _seed(rng))
    return EvolutionResult(best, best_fitness, history,
                           [Network.from_document(s[0]) for s in scored])


def _refit(net, X, Y, epochs, settings, seed):
    """`net` trained `epochs` more epochs on (X, Y) as a child trains (the search's result)."""
    try:
        net.fit(X, Y, lr=settings["lr"], epochs=epochs, batch_size=settings["batch_size"] or len(X),
                loss=settings["loss"], optimizer=settings["optimizer"],
                weight_decay=settings["weight_decay"], seed=seed)
    except NetworkError:
        pass  # diverged: fit kept the weights from before the epoch
    return net


def mutate(net, rng, activations=("logistic", "tanh", "relu"), max_edges=None):
    """Change `net` by one random mutation; returns its name ("none" if none could be made).

    add_edge: a new edge (w drawn from U(−1, 1)) between neurons not yet joined, never
    closing a cycle; split_edge: NEAT's add-node, the new neuron's g drawn from
    `activations`; remove_edge: an edge whose loss leaves every output a path from the
    inputs (then :meth:`Network.remove_dangling`); activation: a hidden neuron's g redrawn.
    """
    names = list(MUTATIONS)
    chances = np.array(list(MUTATIONS.values()))
    first = names[rng.choice(len(names), p=chances / chances.sum())]
    for name in [first] + [n for n in names if n != first]:  # the drawn one, else the others
        if _MUTATE[name](net, rng, activations, max_edges):
            return name
    return "none"


def _add_edge(net, rng, activations, max_edges):
    if max_edges is not None and len(net.w) >= max_edges:
        return False
    graph = net.graph
    features = set(feature_neurons(net))
    targets = [j for j in net.hidden if j not in features] + net.outputs
    for j in rng.permutation(targets):
        j = int(j)
        blocked = {j} | set(net.predecessors(j)) | _descendants(graph, j)
        sources = [i for i in net.inputs + net.hidden + net.outputs
                   if i not in blocked and not _feeds_nothing(net, i)]
        if sources:
            net.connect(int(rng.choice(sources)), j, float(rng.uniform(-1.0, 1.0)))
            return True
    return False


def _split_edge(net, rng, activations, max_edges):
    if max_edges is not None and len(net.w) + 2 > max_edges:
        return False
    tied = {edge for group in net.ties for edge in group} | set(net.frozen)
    edges = [e for e in net.edges() if e[0] != 0 and e not in tied]
    if not edges:
        return False
    i, j = edges[int(rng.integers(len(edges)))]
    net.split_edge(i, j, activation=activations[int(rng.integers(len(activations)))])
    return True


def _remove_edge(net, rng, activations, max_edges):
    frozen = set(net.frozen)
    edges = [e for e in net.edges() if e[0] != 0 and e not in frozen]
    for index in rng.permutation(len(edges)):
        edge = edges[int(index)]
        try:
            check_outputs_reachable(net, {edge}, "removing")
        except NetworkError:
            continue
        net.disconnect(*edge)
        net.remove_dangling()
        return True
    return False


def _change_activation(net, rng, activations, max_edges):
    features = set(feature_neurons(net))
    grown = [j for j in net.hidden if j not in features]
    if not grown:
        return False
    used = {net.neuron(j).activation.name for j in grown}
    if len(activations) < 2 and used <= set(activations):
        return False  # nothing to change to
    j = grown[int(rng.integers(len(grown)))]
    others = [a for a in activations if a != net.neuron(j).activation.name]
    if not others:
        return False
    net.neuron(j).activation = others[int(rng.integers(len(others)))]
    return True


_MUTATE = {"add_edge": _add_edge, "split_edge": _split_edge, "remove_edge": _remove_edge,
           "activation": _change_activation, "none": lambda *args: True}


def _feeds_nothing(net, i):
    """A group output (softmax) may feed no other neuron."""
    g = net.neuron(i).activation
    return g is not None and g.group


def _descendants(graph, j):
    seen, stack = set(), [j]
    while stack:
        for k in graph.successors(stack.pop()):
            if k not in seen:
                seen.add(k)
                stack.append(k)
    return seen


def _minimal(p, K, output_activation, rng, features=()):
    """Inputs (and `features` of them) joined straight to the outputs (NEAT's start), weights
    from U(−1, 1)."""
    weights = {(i, k): float(rng.uniform(-1.0, 1.0))
               for k in range(p + 1, p + K + 1) for i in range(0, p + 1)}
    net = Network.from_weights(weights, activation=output_activation,
                               inputs=list(range(1, p + 1)))
    for f in add_features(net, features):
        for k in range(p + 1, p + K + 1):
            net.connect(f, k, float(rng.uniform(-1.0, 1.0)))
    return net


def _start(p, K, output_activation, rng, features, hidden, depth, activations, max_edges):
    """A starting network: NEAT's minimal one, or a random sparse DAG over `hidden` neurons."""
    if not hidden:
        return _minimal(p, K, output_activation, rng, features)
    gs = tuple(activations[int(rng.integers(len(activations)))] for _ in range(hidden))
    net = dense_dag(p, K, hidden, gs, output_activation, _seed(rng), features, depth)
    budget = max_edges if max_edges is not None else len(net.w) // 2
    frozen = set(net.frozen)
    edges = [edge for edge in sorted(net.w) if edge not in frozen]
    for index in rng.permutation(len(edges)):
        edge = edges[int(index)]
        if len(net.w) <= budget:
            break
        if edge not in net.w:  # gone with a dangling neuron
            continue
        try:
            check_outputs_reachable(net, {edge}, "removing")
        except NetworkError:
            continue
        net.disconnect(*edge)
        net.remove_dangling()
    return net


def _seed(rng):
    return int(rng.integers(2 ** 63))


def _generation(jobs, rng, settings, n_jobs, backend, halving):
    """[(document, fitness, loss, error, epochs trained)] of each (document, seed, mutate?) job,
    in order: each trained `epochs`, or by successive halving (:data:`.budgets.HALVING`)."""
    epochs = settings["epochs"]
    if not halving:
        return _evaluate([(*job, epochs) for job in jobs], settings, n_jobs, backend)
    rounds = [max(1, int(round(share * epochs))) for share in HALVING]
    results = _evaluate([(*job, rounds[0]) for job in jobs], settings, n_jobs, backend)
    going = list(range(len(jobs)))
    for more in rounds[1:]:
        going = sorted(going, key=lambda c: (-results[c][1], c))[:max(1, len(going) // 2)]
        further = _evaluate([(results[c][0], _seed(rng), False, more) for c in going],
                            settings, n_jobs, backend)
        for c, result in zip(going, further):
            results[c] = (*result[:4], results[c][4] + result[4])
    return results


def _evaluate(jobs, settings, n_jobs, backend):
    """[(document, fitness, loss, error, epochs, curve)] of each (document, seed, mutate?,
    epochs) job, in order; curve: the learning curve with early_stop="learned", else None."""
    if n_jobs == 1 and backend is None:
        return [_child(*job, settings) for job in jobs]
    try:
        from joblib import Parallel, delayed, parallel_config
    except ImportError:
        raise NetworkError("n_jobs > 1 trains in parallel with joblib: "
                           "pip install 'neurograph[parallel]'") from None
    try:
        with parallel_config(backend=backend or "loky", n_jobs=n_jobs):
            return Parallel()(delayed(_child)(*job, settings) for job in jobs)
    except ValueError as error:
        if backend == "dask":  # no Client running, or dask.distributed not installed
            raise NetworkError(f"backend='dask' needs a running dask.distributed Client "
                               f"(pip install 'neurograph[cluster]'): {error}") from None
        raise


def _child(document, seed, mutated, epochs, settings):
    """Make one child (mutate, train, score): the unit of work sent to a process."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the same numbers anyway; one BLAS thread keeps them bitwise so
        limits = None
    else:
        limits = threadpool_limits(1)
    try:
        rng = np.random.default_rng(seed)
        net = Network.from_document(document)
        if mutated:
            mutate(net, rng, settings["activations"], settings["max_edges"])
        (X, Y), (X_val, Y_val) = settings["train"], settings["valid"]
        rows = subset_rows(len(X), settings["subset"], rng)
        X, Y = X[rows], Y[rows]
        fit_seed = int(rng.integers(2 ** 31))

        def train(chunk):
            try:
                net.fit(X, Y, lr=settings["lr"], epochs=chunk,
                        batch_size=settings["batch_size"] or len(X), loss=settings["loss"],
                        optimizer=settings["optimizer"], weight_decay=settings["weight_decay"],
                        seed=fit_seed)
            except NetworkError:
                pass  # diverged: fit kept the weights from before the epoch; the score tells

        curve = None
        if settings["early_stop"] and np.isfinite(settings["to_beat"]):  # True or "learned"
            score = lambda: _score(net, X_val, Y_val, settings["loss"])[0]  # noqa: E731
            trained, curve = train_with_estimate(train, score, epochs, score(),
                                                 settings["to_beat"], settings["estimate"])
        else:
            train(epochs)
            trained = epochs
        loss, error = _score(net, X_val, Y_val, settings["loss"])
        fitness = -loss - settings["size_penalty"] * len(net.w)
        full = (settings["early_stop"] == "learned" and curve is not None
                and trained == settings["epochs"])
        return (net.to_document(), float(fitness), float(loss), float(error), trained,
                [*curve, float(loss)] if full else None)
    finally:
        if limits is not None:
            limits.unregister()


def _score(net, X, Y, loss):
    a = net.predict(X)
    if not np.isfinite(a).all():
        return float("inf"), 1.0
    loss = get_loss(loss)
    if loss.quadratic:  # c Σ_k (y_k − a_k)² (∞ when the targets are too large: a worst score)
        with np.errstate(over="ignore"):
            value = loss.quadratic * np.mean(np.sum((Y - a) ** 2, axis=1))
    else:  # paired exactly with a logistic output: a_k is a probability
        a = np.clip(a, 1e-12, 1 - 1e-12)
        value = -np.mean(np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a), axis=1))
    if Y.shape[1] == 1:
        error = np.mean((a[:, 0] >= 0.5) != (Y[:, 0] >= 0.5))
    else:
        error = np.mean(a.argmax(axis=1) != Y.argmax(axis=1))
    return float(value), float(error)


def _depth(net):
    depth = dict(net.plan().depth)
    return max((depth[k] for k in net.outputs), default=0)


def _split(X, Y, validation, fraction, rng):
    if validation is not None:
        try:
            X_val, Y_val = validation
        except (TypeError, ValueError):
            raise NetworkError(f"validation must be a pair (X_val, Y_val); received "
                               f"{describe(validation)}") from None
        return (X, Y), (checks.matrix(X_val, X.shape[1], "X_val"),
                        checks.matrix(Y_val, Y.shape[1], "Y_val"))
    if len(X) < 20:
        return (X, Y), (X, Y)
    order = rng.permutation(len(X))
    held = max(1, int(round(fraction * len(X))))
    return (X[order[held:]], Y[order[held:]]), (X[order[:held]], Y[order[:held]])

