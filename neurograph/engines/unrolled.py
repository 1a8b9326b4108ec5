"""The lecture's per-example SGD step, unrolled for one network into straight-line Python.

:func:`neurograph.engines.reference.forward_propagate`, :func:`~.reference.back_propagate`
and :func:`~.reference.gradient_step` walk the plan's rows for every example: each
weight is looked up in θ, each row unpacked, each neuron's attributes read and written.
For a small network that bookkeeping costs more than the arithmetic. Here the same three
functions are written out once for the network at hand — one line per edge and per
neuron, in the reference engine's order of operations, calling the same activation and
loss objects — and compiled by Python itself into one function. It reads θ with one
``struct`` unpacking, keeps every a_j, in_j and Δ_j in local variables, writes the new θ
with one packing, and leaves every neuron holding this example's in_j, a_j and Δ_j, as
the reference engine does. Its numbers are the reference engine's, bit for bit (the
tests hold them so on random non-layered DAGs).

It covers the lecture's networks: sum neurons (ties allowed) without batch
normalization or a softmax group; :func:`unrolled_step` returns None for any other plan,
and for plans of more than :data:`MOST_EDGES` edges, where the generic loop costs about
as much per edge.

>>> import neurograph as ng
>>> from neurograph.engines.unrolled import unrolled_step
>>> net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
>>> step = unrolled_step(net.plan())
>>> round(step([0.4, 0.5], [1.0], 0.5, 0.0, True, ng.get_loss("squared")), 4)
0.2049
>>> [round(net.w[i, 3], 4) for i in (0, 1, 2)]
[0.2121, 0.1449, 0.1561]
"""

import struct

from .reference import WEIGHT_LIMIT, decay_rate, descent_source, refuse_step

__all__ = ["unrolled_step", "MOST_EDGES", "Source"]

MOST_EDGES = 2000
"""The largest plan unrolled: Python compiles the source in time linear in its lines, and
beyond a few thousand edges the generic loop's overhead per edge is small beside the
arithmetic."""

_NONE = object()  # a plan looked at and found not to unroll


def unrolled_step(plan):
    """The per-example SGD step of `plan`'s network as one function, or None where it
    does not apply (batch norm, a softmax group, max/product neurons, too many edges).

    The function is ``step(x, y, lr, weight_decay, decay_bias, loss)``: x and y validated
    lists of floats, `loss` a Loss. It does what ``forward_propagate``, ``back_propagate``
    and ``gradient_step`` do in turn, returns ℓ, and refuses (θ and the neurons as they
    were) what they refuse. Made once per plan and kept on it.
    """
    made = plan.unrolled
    if made is None:
        made = plan.unrolled = _make(plan) if _applies(plan) else _NONE
    return None if made is _NONE else made


def _applies(plan):
    return (not plan.norms and not plan.group and len(plan.edges) <= MOST_EDGES
            and all(combine is None for _, _, _, combine, _ in plan.forward))


class Source:
    """Lines of Python, and the objects they name (passed to the function as defaults):
    what the unrolled step and the unrolled BPTT (:mod:`.sequence_unrolled`) are written in."""

    def __init__(self):
        self.lines, self.names, self._known = [], {}, {}

    def add(self, line, depth=1):
        self.lines.append("    " * depth + line)

    def name(self, obj, prefix):
        """A local name bound to `obj` (the same object, the same name)."""
        key = id(obj)
        if key not in self._known:
            self._known[key] = f"{prefix}{len(self._known)}"
            self.names[self._known[key]] = obj
        return self._known[key]


def _make(plan):
    """Write the step's source for `plan` and compile it."""
    src = Source()
    size = plan.store.size
    packing = struct.Struct(f"{size}d")
    position = {neuron: p for p, neuron in enumerate([plan.bias, *plan.inputs]
                                                     + [row[0] for row in plan.forward])}

    def var(kind, neuron):
        return f"{kind}{position[neuron]}"

    src.add("values = store.memory")
    src.add("w = unpack(values)  # θ as Python floats: w[ij] is w_ij")
    src.add("a0 = 1.0")
    for k, neuron in enumerate(plan.inputs):
        src.add(f"{var('a', neuron)} = x[{k}]")
    # FORWARDPROPAGATE: in_j ← Σ_i w_ij a_i, a_j ← g(in_j)
    for neuron_j, g, incoming, _, _ in plan.forward_steps:
        terms = "".join(f" + w[{ij}] * {var('a', neuron_i)}" for neuron_i, ij in incoming)
        src.add(f"{var('in_', neuron_j)} = 0.0{terms}")
        src.add(f"{var('a', neuron_j)} = {src.name(g.g, 'g')}({var('in_', neuron_j)})")
    # the loss refuses these outputs before anything is written
    outputs = [(k, neuron, g) for k, (neuron, g) in
               enumerate(zip(plan.outputs, plan.output_activations))]
    src.add("if loss.check is not None:")
    for k, neuron, g in outputs:
        src.add(f"loss.check(y[{k}], {var('a', neuron)}, {src.name(g, 'act')})", 2)
    # BACKPROPAGATE: Δ_j ← g′(in_j) Σ_k w_jk Δ_k, plus the loss's output Δ
    src.add(f"ell = [0.0] * {len(plan.outputs)}")
    for neuron_j, g, outgoing, _, k, _ in plan.backward_steps:
        a_j, in_j, delta_j = var("a", neuron_j), var("in_", neuron_j), var("delta", neuron_j)
        if not outgoing and k is None:
            src.add(f"{delta_j} = 0.0")
            continue
        if g.dg_from_a is not None:
            src.add(f"g_prime = {src.name(g.dg_from_a, 'dg')}({a_j})")
        else:
            src.add(f"g_prime = {src.name(g.dg, 'dg')}({in_j})")
        if outgoing:
            total = "".join(f" + w[{jk}] * {var('delta', neuron_k)}" for jk, neuron_k in outgoing)
            src.add(f"{delta_j} = g_prime * (0.0{total})")
        else:
            src.add(f"{delta_j} = 0.0")
        if k is not None:
            act = src.name(g, "act")
            src.add(f"{delta_j} += loss.output_delta(y[{k}], {a_j}, {in_j}, {act}, g_prime)")
            src.add(f"ell[{k}] = loss.value(y[{k}], {a_j}, {in_j}, {act})")
    # the update: w_ij ← w_ij − α Δ_j a_i − 2αλ w_ij, as gradient_step writes it
    src.add("decay = decay_rate(lr, weight_decay)")
    src.add("bias_decay = decay if decay_bias else 0.0")
    new = [f"w[{slot}]" for slot in range(size)]
    for edges, rate in ((plan.weights, "decay"), (plan.biases, "bias_decay")):
        if not edges:
            continue
        for branch, decayed in ((f"if {rate}:", True), ("else:", False)):
            src.add(branch)  # descend()'s two cases, the decay tested once for every edge
            for neuron_i, ij, neuron_j in edges:
                grad = f"{var('delta', neuron_j)} * {var('a', neuron_i)}"
                src.add(f"n{ij} = {descent_source(f'w[{ij}]', grad, 'lr', rate, decayed)}", 2)
                new[ij] = f"n{ij}"
    for edge, uses, is_bias in plan.shared:  # tied groups: Σ over the edges that use w
        ij = edge.slot
        grad = "0.0" + "".join(f" + {var('delta', n_j)} * {var('a', n_i)} * 1.0"
                               for n_i, n_j, _ in uses)
        rate = "bias_decay" if is_bias else "decay"
        src.add(f"n{ij} = {descent_source(f'w[{ij}]', grad, 'lr', rate)}")
        new[ij] = f"n{ij}"
    # the neurons hold this example's pass, as the reference engine leaves them
    for neuron in plan.inputs:
        src.add(f"{src.name(neuron, 'neuron')}.a = {var('a', neuron)}")
    for neuron_j, *_ in plan.forward_steps:
        node = src.name(neuron_j, "neuron")
        src.add(f"{node}.in_, {node}.a, {node}.delta = {var('in_', neuron_j)}, "
                f"{var('a', neuron_j)}, {var('delta', neuron_j)}")
    changed = [name for name in new if name.startswith("n")]
    if changed:
        bounded = " and ".join(f"-LIMIT <= {name} <= LIMIT" for name in changed)
        src.add(f"new = ({', '.join(new)},)")
        src.add(f"if not ({bounded}):  # NaN fails both comparisons")
        src.add("refuse_step(plan, w, new)", 2)
        src.add("pack(values, 0, *new)")
    src.add("total = 0.0")
    src.add("for value in ell:")
    src.add("total += value", 2)
    src.add("return float(total)")
    bound = dict(src.names, store=plan.store, unpack=packing.unpack_from,
                 pack=packing.pack_into, decay_rate=decay_rate, refuse_step=refuse_step,
                 plan=plan, LIMIT=WEIGHT_LIMIT)
    defaults = ", ".join(f"{name}={name}" for name in bound)
    text = (f"def step(x, y, lr, weight_decay, decay_bias, loss, *, {defaults}):\n"
            + "\n".join(src.lines) + "\n")
    namespace = {}
    exec(compile(text, "<neurograph unrolled step>", "exec"), bound, namespace)
    step = namespace["step"]
    step.source = text
    return step
