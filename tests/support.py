"""Shared test helpers: Hypothesis strategies for random DAG networks, network snapshots, and
the batch engine's storage layouts forced one at a time."""

from contextlib import contextmanager

import numpy as np
from hypothesis import strategies as st

import neurograph as ng
from neurograph.engines import batch as vectorized
from neurograph.engines import layout as costs
from neurograph.engines.storage import CsrRows
from neurograph.model.activations import ACTIVATIONS

# the lectures' activations and sin (the compositional ones, which can blow a deep random DAG
# up, have tests of their own: tests/model/test_compositional.py); kinks from the table
SMOOTH = ("logistic", "tanh", "softplus", "identity", "sin")
KINKED = ("relu", "leaky_relu")
DIFFERENTIABLE = SMOOTH + KINKED
WITH_STEPS = DIFFERENTIABLE + tuple(name for name, g in ACTIVATIONS.items() if g.binary)

weights = st.floats(-1.5, 1.5, allow_nan=False, allow_infinity=False)


@st.composite
def dags(draw, hidden_activations=DIFFERENTIABLE, output_activations=DIFFERENTIABLE,
         max_inputs=3, max_processing=7):
    """A random feedforward network that is not layered.

    Each processing neuron draws its sources from the inputs and every earlier
    processing neuron, so skip edges are common; ids are a random permutation,
    so the topological order rarely follows id order; activations are mixed;
    some outputs also feed other neurons, and the outputs come in random order.
    """
    n_inputs = draw(st.integers(1, max_inputs))
    n_processing = draw(st.integers(1, max_processing))
    ids = draw(st.permutations(range(1, n_inputs + n_processing + 1)))
    inputs, processing = list(ids[:n_inputs]), list(ids[n_inputs:])  # processing: topological
    edges = {}
    for t, j in enumerate(processing):
        sources = draw(st.lists(st.sampled_from(inputs + processing[:t]), min_size=1,
                                max_size=4, unique=True))
        if draw(st.booleans()):
            sources.append(0)
        for i in sources:
            edges[i, j] = draw(weights)
    sinks = {j for j in processing if not any(i == j for i, _ in edges)}
    also_feeding = set(draw(st.lists(st.sampled_from(processing), max_size=2, unique=True)))
    outputs = draw(st.permutations(sorted(sinks | also_feeding)))
    activations = {j: draw(st.sampled_from(output_activations if j in outputs
                                           else hidden_activations)) for j in processing}
    return ng.Network.from_weights(edges, activations=activations, inputs=inputs,
                                   outputs=list(outputs))


@st.composite
def dags_with_example(draw, **kwargs):
    """(net, x, y): a random DAG and one training example for it (targets in [0, 1])."""
    net = draw(dags(**kwargs))
    x = draw(st.lists(st.floats(-2, 2), min_size=len(net.inputs), max_size=len(net.inputs)))
    y = draw(st.lists(st.floats(0, 1), min_size=len(net.outputs), max_size=len(net.outputs)))
    return net, x, y


def kinks_are_clear(net, x, eps):
    """True if no neuron sits at a kink of its g (ReLU-like: 0; threshold: its step), or
    crosses one when a weight moves ±eps.

    Finite differences cannot match g′ across a kink or a step, where g′ is not defined.
    """
    kinked = [n for n in net.neurons if n.activation and n.activation.kinks]
    net.forward(x)
    if any(n.in_ in n.activation.kinks for n in kinked):
        return False
    signs = [[n.in_ > kink for kink in n.activation.kinks] for n in kinked]
    clear = True
    for edge in list(net.w):
        w_ij = net.w[edge]
        for step in (eps, -eps):
            net.w[edge] = w_ij + step
            net.forward(x)
            clear = clear and [[n.in_ > kink for kink in n.activation.kinks]
                               for n in kinked] == signs
        net.w[edge] = w_ij
    return clear


def snapshot(net):
    """Everything about a network, as text that compares exactly (NaNs included)."""
    edges = sorted((i, j, sorted(data.items())) for i, j, data in net.graph.edges(data=True))
    edges += [("frozen", net.frozen), ("theta", net.theta().tolist() if net.outputs else None)]
    neurons = [(n.id, n.kind, n.activation.name if n.activation else None, n.in_, n.a, n.delta)
               for n in net.neurons]
    return repr((edges, neurons, net.inputs, net.outputs, net.stage, net.last_loss))


def lecture_network():
    """Seed 001's forward-propagation network (Lecture 07-2c), with the slide's weights."""
    return ng.Network.from_weights(
        {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
         (0, 5): -1, (3, 5): 4, (4, 5): 2})


@st.composite
def rich_dags(draw, aggregations=True, norms=True, ties=True):
    """A random DAG (:func:`dags`, smooth activations) with the other lectures' parts: some
    processing neurons "max" or "product", some hidden neurons batch-normalized (random γ, β
    and running statistics), and some edges tied in groups."""
    net = draw(dags(hidden_activations=SMOOTH, output_activations=SMOOTH))
    processing = net.hidden + net.outputs
    if aggregations:
        for j in draw(st.lists(st.sampled_from(processing), max_size=3, unique=True)):
            net.set_aggregation(j, draw(st.sampled_from(["max", "product"])))
    if norms and net.hidden:
        for j in draw(st.lists(st.sampled_from(net.hidden), max_size=2, unique=True)):
            net.add_batch_norm(j, gamma=draw(st.floats(0.5, 1.5)), beta=draw(st.floats(-1, 1)))
            norm = net.neuron(j).norm
            norm.running_mean = draw(st.floats(-0.5, 0.5))
            norm.running_var = draw(st.floats(0.2, 2.0))
    if ties and len(net.w) >= 2:
        edges = draw(st.permutations(list(net.w)))
        size = draw(st.integers(0, min(4, len(edges))))
        if size >= 2:
            net.tie(edges[:size])
    return net


@st.composite
def rich_dags_with_batch(draw, n=(2, 5), **kwargs):
    """(net, X, Y): a :func:`rich_dags` network and a batch of examples for it."""
    net = draw(rich_dags(**kwargs))
    rows = draw(st.integers(*n))
    values = st.floats(-2, 2)
    X = [draw(st.lists(values, min_size=len(net.inputs), max_size=len(net.inputs)))
         for _ in range(rows)]
    Y = [draw(st.lists(st.floats(0, 1), min_size=len(net.outputs), max_size=len(net.outputs)))
         for _ in range(rows)]
    return net, X, Y


def maxima_are_clear(net, X, gap=1e-3):
    """True if every max neuron's largest term beats the next by `gap` on every example (finite
    differences cannot follow Δ across a switch of the arg-max)."""
    maxed = [j for j in net.hidden + net.outputs if net.neuron(j).aggregation == "max"]
    if not maxed:
        return True
    for x in X:
        net.forward(x)
        for j in maxed:
            terms = sorted((net.w[i, j] * net.neuron(i).a for i in net.predecessors(j)),
                           reverse=True)
            if len(terms) > 1 and terms[0] - terms[1] < gap:
                return False
    return True


@st.composite
def deep_dags(draw, min_depth=50, max_depth=80):
    """A random non-layered DAG at least `min_depth` generations deep: a chain of processing
    neurons, each also fed by a few random earlier neurons (skip edges), mixed activations;
    the last neuron and a few others are outputs (logistic, so that every loss applies)."""
    depth = draw(st.integers(min_depth, max_depth))
    n_inputs = draw(st.integers(1, 4))
    inputs = list(range(1, n_inputs + 1))
    chain = list(range(n_inputs + 1, n_inputs + depth + 1))
    edges = {}
    for t, j in enumerate(chain):
        earlier = inputs + chain[:t]
        sources = {chain[t - 1]} if t else {inputs[0]}
        sources |= set(draw(st.lists(st.sampled_from(earlier), max_size=3)))
        for i in sorted(sources) + ([0] if draw(st.booleans()) else []):
            edges[i, j] = draw(st.floats(-1.2, 1.2))
    outputs = sorted({chain[-1], *draw(st.lists(st.sampled_from(chain[:-1]), max_size=3))})
    activations = {j: "logistic" if j in outputs else draw(st.sampled_from(SMOOTH))
                   for j in chain}
    return ng.Network.from_weights(edges, activations=activations, inputs=inputs,
                                   outputs=outputs)


@contextmanager
def stored(layout):
    """Every generation stored densely, every one as an edge list, or (in a DAG that is not
    layered) every one it can be as CSR rows read straight from the pass's array."""
    names = ("DENSE_ABOVE", "SPARSE", "CSR_PER_EDGE", "MIN_SPARSE_EDGES")
    saved = {name: getattr(costs, name) for name in names}
    costs.DENSE_ABOVE = -1.0 if layout == "dense" else 2.0
    costs.SPARSE = layout == "csr"
    costs.CSR_PER_EDGE, costs.MIN_SPARSE_EDGES = -1.0, 0  # CSR wherever allowed
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(costs, name, value)


def assert_stored(engine, layout):
    """The layout asked for is the one the engine uses."""
    for g in engine.generations:
        if g.sum_edges:
            csr = layout == "csr" and not engine.layered and not g.gated
            assert g.csr == csr
            assert isinstance(g.weights, CsrRows) == csr
            assert g.weights.dense == (layout == "dense" and not csr)


LAYOUTS = ["dense", "edge list", "csr"]


def batch_norms_are_conditioned(net, X, least=1e-3):
    """True if every batch-normalized neuron's a_j varies over the batch X (variance at least
    `least`). On a near-constant batch, 1/√(ε + σ²) (up to 316 a normalized neuron, and they
    can be chained) amplifies the engines' last-bit differences past 1e-12; seen: 1.5e-12
    in a gradient entry on X = [[0, 0], [1.5, 0]]."""
    engine = vectorized.compile_batch(net)
    P = engine.forward(np.asarray(X, dtype=float), train=True)
    return all(float(np.min(var)) >= least for _, var, _, _ in P.statistics.values())


@st.composite
def recurrent_dags(draw, aggregations=True, ties=True, frozen=True, max_delay=3):
    """A random recurrent network: a :func:`rich_dags` network (no batch norms) plus random
    delay edges — from any input or processing neuron into any processing neuron, self-loops
    and edges against the order included, delays 1 … `max_delay` — some of them tied or
    frozen along with the ordinary edges."""
    net = draw(rich_dags(aggregations=aggregations, norms=False, ties=False))
    sources = net.inputs + net.hidden + net.outputs
    targets = net.hidden + net.outputs
    pairs = [(i, j) for i in sources for j in targets if not net.has_edge(i, j)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=4, unique=True))
    for i, j in chosen:
        net.connect(i, j, draw(weights), delay=draw(st.integers(1, max_delay)))
    if ties and len(net.w) >= 2:
        edges = draw(st.permutations(list(net.w)))
        size = draw(st.integers(0, min(4, len(edges))))
        if size >= 2:
            net.tie(edges[:size])
    if frozen:
        for edge in draw(st.lists(st.sampled_from(sorted(net.w)), max_size=2, unique=True)):
            net.freeze(*edge)
    return net


@st.composite
def recurrent_dags_with_sequences(draw, n=(1, 3), T=(1, 5), nan_rows=True, **kwargs):
    """(net, X, Y): a :func:`recurrent_dags` network, sequences X (n, T, inputs) and targets Y
    (n, T, outputs) in [0, 1], some time steps without a target (NaN rows) when `nan_rows`."""
    net = draw(recurrent_dags(**kwargs))
    n, T = draw(st.integers(*n)), draw(st.integers(*T))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, T, len(net.inputs)))
    Y = rng.uniform(0, 1, (n, T, len(net.outputs)))
    if nan_rows:
        Y[rng.random((n, T)) < 0.3] = np.nan
    return net, X, Y


def maxima_are_clear_in_time(net, X, gap=1e-3):
    """:func:`maxima_are_clear` for sequences: every max neuron's largest term beats the next
    by `gap` at every time step of every sequence."""
    from neurograph.engines import sequence
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    w = plan.store.memory
    maxed = [(j, rows) for j, _, rows, combine in seq.forward if combine == "max"]
    if not maxed:
        return True
    for x in X:
        a, _, _ = sequence.forward_through_time(seq, w, np.asarray(x).tolist())
        D = seq.longest
        for t in range(1, len(x) + 1):
            for j, rows in maxed:
                terms = sorted((w[ij] * a[D + t - d][i] for i, ij, d in rows), reverse=True)
                if len(terms) > 1 and terms[0] - terms[1] < gap:
                    return False
    return True
