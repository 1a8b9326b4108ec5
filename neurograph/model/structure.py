"""The rules every network obeys, written once and used by every way in.

A feedforward network is a directed acyclic graph over neuron ids 0 … 2³¹ − 1:
neuron 0 is the bias neuron, inputs pass x_j on, and every other neuron is a
processing neuron (hidden or output). The rules:

- no self-loop, no edge into neuron 0 or an input, no edge given twice;
- no directed cycle (tested in linear time by a topological sort; only when that
  fails is a cycle looked for, and it is named);
- a recurrent network's delay edges (``delays``: a_i(t − d) feeds in_j(t), d ≥ 1) are
  the one exception: they may close cycles and be self-loops, since a cycle through one
  reads an earlier time step; they leave neither the bias neuron nor enter an input;
- the inputs and outputs are listed once each, the inputs without incoming
  edges, the outputs among the processing neurons;
- activations belong to processing neurons; a group activation (softmax) belongs to
  output neurons that feed no other neuron.

Every builder — ``from_weights``, ``layered``, ``from_layers``, files, edge lists,
``from_networkx`` — describes the network it wants as a :class:`Blueprint` and
hands it to :func:`check`; the edits ``add_neuron`` and ``connect`` use the same
rules one edge at a time (:func:`edge_fault`, :func:`closing_cycle`), so the same
fault gets the same words wherever it enters.
"""

import heapq
from dataclasses import dataclass, field

from ..checks import delay as delay_count
from ..checks import edge as edge_key
from ..checks import neuron_id
from ..errors import CycleError, NetworkError, describe
from .activations import ACTIVATIONS, ALIASES, get_activation
from .aggregations import get_aggregation
from .normalization import BatchNorm

__all__ = ["Blueprint", "check", "edge_fault", "group_fault", "norm_fault", "tie_fault_or_group",
           "closing_cycle", "cycle_error",
           "default_inputs", "default_outputs", "topological_order", "ids_text"]


@dataclass
class Blueprint:
    """A network described as plain data, before it is built.

    Attributes
    ----------
    edges : dict
        ``{(i, j): w_ij}`` with ids and finite float weights already checked.
    kinds : dict or None
        ``{j: "input" | "hidden" | "output"}`` for every neuron but 0 (a document names
        them all); None: :func:`check` derives them from `inputs`, `outputs` and `hints`.
    hints : dict
        Kinds known for some neurons only (an edge list's ``hidden`` line, a graph's node
        attributes); the defaults fill in the rest.
    inputs, outputs : list of int or None
        In the order of x and y; None means the defaults (:func:`default_inputs`,
        :func:`default_outputs`).
    activation : str or Activation
        g for processing neurons not named in `activations`.
    activations : dict
        ``{j: str or Activation}``.
    frozen : set of (int, int)
        Edges that training holds fixed.
    source : str
        Where the description came from, for messages ("net.json"); "" for code.
    place_of : callable, optional
        ``place_of((i, j))`` says where an edge stands in the source ("edges[3]").
    known : dict
        User-made activations by name, for descriptions that name them (files).
    neuron_place : callable, optional
        ``neuron_place(j)`` says where neuron j's activation is named in the source.
    aggregations : dict
        ``{j: "sum" | "max" | "product"}`` for processing neurons (default "sum").
    norms : dict
        ``{j: {"gamma": …, "beta": …, …}}``: the batch-normalized hidden neurons
        (:class:`~neurograph.model.normalization.BatchNorm`'s fields).
    ties : list of list of (int, int)
        Groups of edges that share one weight (each group ≥ 2 edges, an edge in one
        group at most, equal weights, all frozen or none).
    delays : dict
        ``{(i, j): d}``: the edges whose source is read d ≥ 1 time steps back (a delay of
        0 is an ordinary edge and is dropped).
    """

    edges: dict
    kinds: dict = None
    hints: dict = field(default_factory=dict)
    inputs: list = None
    outputs: list = None
    activation: object = "logistic"
    activations: dict = field(default_factory=dict)
    frozen: set = field(default_factory=set)
    source: str = ""
    place_of: object = None
    known: dict = field(default_factory=dict)
    neuron_place: object = None
    aggregations: dict = field(default_factory=dict)
    norms: dict = field(default_factory=dict)
    ties: list = field(default_factory=list)
    delays: dict = field(default_factory=dict)

    def prefix(self, edge=None, place=None):
        """"source: place: " for a message, with what is known of either."""
        if place is None and edge is not None and self.place_of is not None:
            place = self.place_of(edge)
        return "".join(f"{part}: " for part in (self.source, place) if part)

    def fail(self, message, edge=None, place=None):
        """Raise a NetworkError with `message`, prefixed by the source and the place."""
        raise NetworkError(self.prefix(edge, place) + message)


def check(blueprint):
    """Check `blueprint` against every rule; fill in kinds, inputs, outputs and activations.

    Returns the same Blueprint with ``kinds`` complete, ``inputs``/``outputs`` lists
    and ``activations`` holding an :class:`Activation` for every processing neuron.
    Runs in time linear in the edges (plus a sort of the ids).

    Raises
    ------
    NetworkError
        Naming the rule, the edge or neuron and, for files, the place.
    CycleError
        If the edges contain a directed cycle (``.cycle`` lists it).
    """
    bp = blueprint
    has_out = {i for i, _ in bp.edges}
    has_in = {j for _, j in bp.edges}
    ids = {0} | has_in | has_out
    for name in ("inputs", "outputs"):
        value = getattr(bp, name)
        if value is not None:
            setattr(bp, name, _id_list(value, name, bp))
            ids.update(getattr(bp, name))
    if bp.kinds is not None:  # a document names every neuron's kind itself
        ids.update(bp.kinds)
        for (i, j) in bp.edges:
            for end in (i, j):
                if end and end not in bp.kinds:
                    bp.fail(f"neuron {end} of edge ({i}, {j}) is not among the neurons",
                            edge=(i, j))
    inputs = set(bp.inputs or ())
    inputs.update(j for j, kind in (bp.kinds or bp.hints).items() if kind == "input")
    _check_delays(bp)
    for (i, j) in bp.edges:
        if i == j or j == 0 or j in inputs or (i == 0 and (i, j) in bp.delays):
            fault = edge_fault(i, j, "input" if j in inputs else None, bp.delays.get((i, j), 0))
            if fault:
                bp.fail(fault, edge=(i, j))
    order = topological_order(ids, _successors(bp.edges, bp.delays))
    if len(order) < len(ids):
        _raise_cycle(bp, ids, order)
    if bp.kinds is None:
        # (an output may feed earlier layers through delay edges: Jordan's network)
        _derive_kinds(bp, ids, has_in, {i for i, j in bp.edges if (i, j) not in bp.delays})
    _check_inputs_outputs(bp)
    _resolve_activations(bp, has_out)
    for (i, j) in bp.frozen:
        if (i, j) not in bp.edges:
            bp.fail(f"frozen edge ({i}, {j}) is not among the edges")
    _check_aggregations(bp)
    _check_norms(bp)
    bp.ties = [tie_fault_or_group(group, bp.edges.__contains__, bp.frozen.__contains__,
                                  bp.edges.__getitem__, bp.fail, k)
               for k, group in enumerate(bp.ties)]
    tied = set()
    for group in bp.ties:
        for key in group:
            if key in tied:
                bp.fail(f"edge {key} is in two tied groups; an edge shares one weight at most")
            tied.add(key)
    return bp


def norm_fault(j, kind):
    """What is wrong with batch-normalizing neuron j of `kind`, or None."""
    if kind != "hidden":
        what = {"output": "an output", "input": "an input", "bias": "the bias"}.get(kind, "not a")
        return (f"neuron {j} is {what} neuron: batch normalization normalizes a hidden "
                f"neuron's output before the next neurons use it")
    return None


def tie_fault_or_group(group, exists, frozen, weight, fail, k=None):
    """A tied group checked — a sorted list of at least two distinct existing edges, all frozen
    or none, with one weight — or `fail` called with what is wrong."""
    where = "" if k is None else f"ties[{k}]: "
    if isinstance(group, (str, bytes)) or not hasattr(group, "__iter__"):
        fail(f"{where}a tie is a list of edges (i, j); received {describe(group)}")
    keys = []
    for key in group:
        key = edge_key(key, "each tied edge")
        if not exists(key):
            fail(f"{where}edge {key} does not exist, so it cannot be tied")
        if key in keys:
            fail(f"{where}edge {key} is listed twice")
        keys.append(key)
    if len(keys) < 2:
        fail(f"{where}a tie needs at least two edges; received {len(keys)}")
    keys.sort()
    states = {frozen(key) for key in keys}
    if len(states) > 1:
        fail(f"{where}the edges {keys[:6]} mix frozen and free edges; freeze or unfreeze them "
             f"all first")
    values = {weight(key) for key in keys}
    if len(values) > 1:
        fail(f"{where}tied edges share one weight, but {keys[:6]} have different weights")
    return keys


def _check_aggregations(bp):
    for j, name in bp.aggregations.items():
        if bp.kinds.get(j) not in ("hidden", "output"):
            bp.fail(f"aggregations names neuron {describe(j)}, which is not a processing neuron")
        try:
            bp.aggregations[j] = get_aggregation(name, j)
        except NetworkError as error:
            bp.fail(str(error))


def _check_norms(bp):
    for j, state in bp.norms.items():
        fault = norm_fault(j, bp.kinds.get(j))
        if fault:
            bp.fail(fault)
        if isinstance(state, BatchNorm):
            continue
        if not isinstance(state, dict):
            bp.fail(f"neuron {j}'s batch norm must be given by its numbers; received "
                    f"{describe(state)}")
        try:
            bp.norms[j] = BatchNorm(**state)
        except TypeError:
            bp.fail(f"neuron {j}'s batch norm takes {', '.join(BatchNorm.NUMBERS)}; received "
                    f"{', '.join(map(str, state))}")
        except NetworkError as error:
            bp.fail(f"neuron {j}'s batch norm: {error}")


def edge_fault(i, j, kind_of_j, delay=0):
    """What is wrong with an edge (i, j) into a neuron of kind `kind_of_j`, or None; a
    self-loop is right when it has a `delay` ≥ 1 (a_j(t − d) feeds in_j(t)), and a delay edge
    never leaves the bias neuron."""
    if i == j and not delay:
        return (f"edge ({i}, {j}) is a self-loop; feedforward networks have none (a recurrent "
                f"self-loop reads an earlier time step: give it delay=1 or more)")
    if i == 0 and delay and j != 0:
        return (f"edge (0, {j}) cannot have a delay: the bias neuron's a_0 = 1 at every time "
                f"step, so its edge is an ordinary bias edge")
    if j == 0:
        return (f"edge ({i}, 0) enters the bias neuron 0, which has a_0 = 1 and takes no "
                f"incoming edges")
    if kind_of_j == "input":
        return (f"edge ({i}, {j}) enters input neuron {j}, which passes x_{j} on and takes no "
                f"incoming edges")
    return None


def group_fault(j, kind, activation, feeds):
    """What is wrong with neuron j having `activation`, or None: a group activation
    (softmax) needs an output neuron that feeds no other neuron (`feeds`: whether it does)."""
    if not activation.group:
        return None
    if kind != "output":
        return (f"neuron {j} is a {kind} neuron: {activation.name} is for output neurons only "
                f"(all of them form one group)")
    if feeds:
        return (f"output neuron {j} feeds other neurons: a {activation.name} output cannot, "
                f"since its a_{j} depends on the whole group")
    return None


def closing_cycle(successors, i, j):
    """The cycle a new edge (i, j) would close — [j, …, i, j] — or None.

    `successors` maps an id to its successors. Breadth-first from j, so the cycle
    named is a shortest one.
    """
    parent, frontier = {j: None}, [j]
    while frontier:
        next_frontier = []
        for u in frontier:
            for v in successors(u):
                if v not in parent:
                    parent[v] = u
                    if v == i:
                        path = [i]
                        while parent[path[-1]] is not None:
                            path.append(parent[path[-1]])
                        return path[::-1] + [j]
                    next_frontier.append(v)
        frontier = next_frontier
    return None


CYCLE_SHOWN = 5
"""A message names a long cycle by its length and this many neurons at each end."""


def cycle_error(cycle, prefix=""):
    """The CycleError for `cycle` ([c0, c1, …, c0]), naming the edge that closes it.

    A cycle of more than 2 × :data:`CYCLE_SHOWN` neurons is named by its length and its first
    and last few neurons (a 100,000-neuron cycle written out is 789,000 characters); the
    error's ``.cycle`` holds every one.

    Examples
    --------
    >>> str(cycle_error([1, 2, 1]))
    'edge (2, 1) closes the cycle 1 → 2 → 1; feedforward networks are acyclic'
    >>> str(cycle_error([*range(1, 101), 1]))  # doctest: +NORMALIZE_WHITESPACE
    'edge (100, 1) closes a cycle of 100 neurons, 1 → 2 → 3 → 4 → 5 → … → 97 → 98 → 99 → 100
    → 1; feedforward networks are acyclic'
    """
    closing, length = (cycle[-2], cycle[-1]), len(cycle) - 1
    if length <= 2 * CYCLE_SHOWN:
        named = f"the cycle {' → '.join(map(str, cycle))}"
    else:
        named = (f"a cycle of {length:,} neurons, {' → '.join(map(str, cycle[:CYCLE_SHOWN]))} → … "
                 f"→ {' → '.join(map(str, cycle[-CYCLE_SHOWN:]))}")
    return CycleError(f"{prefix}edge {closing} closes {named}; feedforward networks are acyclic",
                      cycle)


def default_inputs(ids, has_in, hints=None):
    """The inputs when none are named: every id but 0 with no incoming edge, ascending
    (or hinted to be an input; never one hinted to be something else)."""
    hints = hints or {}
    return sorted(j for j in ids if j != 0 and hints.get(j, "input" if j not in has_in else "")
                  == "input")


def default_outputs(ids, inputs, has_out, hints=None):
    """The outputs when none are named: every processing neuron with no outgoing edge,
    ascending (or hinted to be an output; never one hinted to be hidden)."""
    hints, inputs = hints or {}, set(inputs)
    return sorted(j for j in ids if j != 0 and j not in inputs and
                  hints.get(j, "output" if j not in has_out else "") == "output")


def topological_order(ids, successors):
    """Every id in topological order, the smallest ready id first; fewer if there is a cycle.

    Kahn's algorithm with a heap: O(E + V log V). A network numbered as the lectures
    number it comes out in id order.
    """
    indegree = dict.fromkeys(ids, 0)
    for u in ids:
        for v in successors(u):
            indegree[v] += 1
    ready = [u for u, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        u = heapq.heappop(ready)
        order.append(u)
        for v in successors(u):
            indegree[v] -= 1
            if indegree[v] == 0:
                heapq.heappush(ready, v)
    return order


def ids_text(ids, most=12):
    """A list of ids for a message, shortened when long."""
    ids = list(ids)
    if len(ids) <= most:
        return str(ids)
    return f"[{', '.join(map(str, ids[:most]))}, … ({len(ids)} in all)]"


# ---------------------------------------------------------------- the parts


def _successors(edges, delays=None):
    """Successors along the ordinary edges (a delay edge reads an earlier time step, so it
    takes no part in the order within one)."""
    succ = {}
    for (i, j) in edges:
        if not delays or (i, j) not in delays:
            succ.setdefault(i, []).append(j)
    empty = ()
    return lambda u: succ.get(u, empty)


def _raise_cycle(bp, ids, order):
    """Name a cycle among the ids a topological sort could not reach.

    It is named as ``connect`` names it: by the edge that closes it when the edges are
    added in the order given (the cycle's edge given last), so the same fault reads the
    same whichever way it came in.
    """
    left = set(ids) - set(order)
    pred = {}
    for (i, j) in bp.edges:
        if i in left and j in left and (i, j) not in bp.delays:
            pred.setdefault(j, []).append(i)
    u, seen, walk = min(left), {}, []
    while u not in seen:  # every neuron left has a predecessor left: walk back until one repeats
        seen[u] = len(walk)
        walk.append(u)
        u = min(pred[u])
    cycle = walk[seen[u]:][::-1]  # forwards: cycle[k] → cycle[k + 1] → … → cycle[0]
    position = {edge: k for k, edge in enumerate(bp.edges)}
    steps = [(cycle[k], cycle[(k + 1) % len(cycle)]) for k in range(len(cycle))]
    last = max(range(len(steps)), key=lambda k: position[steps[k]])
    start = (last + 1) % len(cycle)  # begin at the closing edge's target
    cycle = cycle[start:] + cycle[:start]
    cycle.append(cycle[0])
    raise cycle_error(cycle, bp.prefix(edge=(cycle[-2], cycle[-1])))


def _check_delays(bp):
    """Each delay names an edge and is a whole number of steps; delays of 0 are dropped."""
    if not isinstance(bp.delays, dict):
        bp.fail(f"delays must map edges (i, j) to whole numbers of time steps; received "
                f"{describe(bp.delays)}")
    delays = {}
    for key, d in bp.delays.items():
        key = edge_key(key, "each delayed edge")
        if key not in bp.edges:
            bp.fail(f"delayed edge {key} is not among the edges", place="delays")
        d = _delay(d, f"the delay of edge {key}", bp, key)
        if d:
            delays[key] = d
    bp.delays = delays


def _delay(d, what, bp, key):
    try:
        return delay_count(d, what)
    except NetworkError as error:
        bp.fail(str(error), edge=key)


def _derive_kinds(bp, ids, has_in, has_out):
    hints = {j: kind for j, kind in bp.hints.items() if j}
    for j, kind in hints.items():
        if kind not in ("input", "hidden", "output"):
            bp.fail(f"neuron {j}'s kind must be 'input', 'hidden' or 'output'; received "
                    f"{describe(kind)}")
    ids = ids | set(hints)
    if bp.inputs is None:
        bp.inputs = default_inputs(ids, has_in, hints)
    if bp.outputs is None:
        bp.outputs = default_outputs(ids, bp.inputs, has_out, hints)
    kinds = dict.fromkeys(ids, "hidden")
    del kinds[0]
    kinds.update(hints)
    kinds.update(dict.fromkeys(bp.outputs, "output"))
    for j in bp.inputs:
        if j == 0:
            bp.fail("neuron 0 is the bias neuron and cannot be an input")
        if j in bp.outputs:
            bp.fail(f"neuron {j} is listed as an input and as an output")
        if hints.get(j, "input") != "input":
            bp.fail(f"inputs lists neuron {j}, which is a {hints[j]} neuron", place="inputs")
        kinds[j] = "input"
    for k in bp.outputs:
        if hints.get(k, "output") != "output":
            bp.fail(f"outputs lists neuron {k}, which is {_kind_text(bp, k, hints)}; outputs "
                    f"are processing neurons", place="outputs")
    bp.kinds = kinds


def _check_inputs_outputs(bp):
    for j in bp.inputs:
        if bp.kinds.get(j) != "input":
            bp.fail(f"inputs lists neuron {j}, which is {_kind_text(bp, j)}", place="inputs")
    for k in bp.outputs:
        if bp.kinds.get(k) != "output":
            bp.fail(f"outputs lists neuron {k}, which is {_kind_text(bp, k)}; outputs are "
                    f"processing neurons", place="outputs")
    for name, listed, kind in (("inputs", bp.inputs, "input"), ("outputs", bp.outputs, "output")):
        count = sum(1 for k in bp.kinds.values() if k == kind)
        if count != len(listed):
            missing = sorted(j for j, k in bp.kinds.items() if k == kind and j not in listed)
            bp.fail(f"every {kind} neuron must be listed once; {ids_text(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} missing", place=name)


def _kind_text(bp, j, kinds=None):
    if j == 0:
        return "the bias neuron"
    kind = (bp.kinds if kinds is None else kinds).get(j)
    if kind is None:
        return "not a neuron"
    return f"{'an' if kind == 'input' else 'a'} {kind} neuron"


def _resolve_activations(bp, has_out):
    overrides = bp.activations
    for j in overrides:
        if bp.kinds.get(j) not in ("hidden", "output"):
            processing = sorted(k for k, kind in bp.kinds.items() if kind != "input")
            bp.fail(f"activations names neuron {describe(j)}, which is not a processing neuron; "
                    f"the processing neurons are {ids_text(processing)}")
    default = get_activation(bp.activation)
    resolved = {}
    named = {}
    for j, kind in bp.kinds.items():
        if kind == "input":
            continue
        g = _activation(bp, overrides[j], j) if j in overrides else default
        fault = group_fault(j, kind, g, j in has_out)
        if fault:
            bp.fail(fault)
        other = named.setdefault(g.name, g)
        if other is not g:
            bp.fail(f"two different activations are both named {g.name!r} (neuron {j}); a file "
                    f"could not tell them apart: give them different names")
        resolved[j] = g
    bp.activations = resolved


def _activation(bp, spec, j):
    """The Activation `spec` names: a user-made one the description knows, or a built-in."""
    if isinstance(spec, str) and spec in bp.known:
        return bp.known[spec]
    try:
        return get_activation(spec)
    except NetworkError:
        names = ", ".join(sorted([*ACTIVATIONS, *ALIASES, *bp.known]))
        hint = " (pass a user-made one to load(activations=…))" if bp.source else ""
        place = bp.neuron_place(j) if bp.neuron_place is not None else None
        bp.fail(f"unknown activation {describe(spec)} for neuron {j}; expected an Activation "
                f"or one of: {names}{hint}", place=place)


def _id_list(ids, what, bp):
    if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        bp.fail(f"{what} must be a sequence of neuron ids; received {describe(ids)}")
    ids = [neuron_id(j, f"each of {what}") for j in ids]
    seen = set()
    for j in ids:
        if j in seen:
            bp.fail(f"{what} lists neuron {j} twice", place=what)
        seen.add(j)
    return ids
