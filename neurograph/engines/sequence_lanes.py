"""A recurrent network's neurons laid out in lanes, for the engines that run whole batches of
sequences through time (:mod:`neurograph.engines.sequence_batch` in numpy and
:mod:`neurograph.engines.sequence_torch`).

A lane is a column of the (sequences × lanes) matrix of a time step. Lane 0 is the bias
neuron, then come the inputs, then the *free* neurons — those that no recurrent loop reaches:
their sources, through edges of any delay, are the inputs, the bias or free neurons, so that
every a_j(t) of theirs can be computed for all the time steps at once — and then the others,
which need the time steps one after another. Each part is cut into levels: for the free
neurons one more than the deepest source over every edge, for the others one more than the
deepest ordinary (d = 0) source among them. Within a level come the sum neurons, then the
max/product neurons, each kind grouped by activation g. A level, a group of one activation
and a group of max/product neurons are so each a contiguous run of lanes, read and written
as slices, and the sources of a block of weights are a slice too wherever they lie close
together.

An LSTM cell (:meth:`~neurograph.Network.lstm`) has five levels, none free (every gate reads
h(t − 1)): the gates i, f, o (logistic) and g (tanh); the products p = i·g and
q = f·c(t − 1), one group whose second terms differ in delay; the memory c; tc = tanh(c);
and the output h = o·tc:

>>> import neurograph as ng
>>> from neurograph.engines import sequence
>>> net = ng.Network.lstm(n_inputs=2, n_hidden=3, seed=0)
>>> lanes = SequenceLanes(sequence.sequence_plan(net.plan()))
>>> for level in lanes.levels:
...     print(level.stop - level.start, [g.name for g, *_ in level.runs], len(level.gated))
12 ['logistic', 'tanh'] 0
6 ['identity'] 1
3 ['identity'] 0
3 ['tanh'] 0
3 ['identity'] 1
>>> any(level.free for level in lanes.levels)
False
"""

import numpy as np

from .generation import array_function

__all__ = ["SequenceLanes", "Level", "Gated"]


class Level:
    """One level's lanes (``start … stop``) and what computes them.

    Attributes
    ----------
    free : bool
        Whether its neurons are free (computed for all the time steps at once).
    sums : slice
        The lanes of its sum neurons.
    into : list of (int, slice or array, tuple)
        Per delay d: the source lanes and the block (rows, cols, slots, shape) of W_d that
        feeds the sum neurons — for a level that is not free, from its sources that are not
        free; `into_free` holds the blocks from the free sources, known for every time step
        before the time steps run.
    gradient : list of (int, slice or array, array, array, array)
        The same blocks' trainable entries (d, sources, rows, cols, slots), for ∂J/∂W_d.
    gated : list of Gated
        Its max/product neurons, by aggregation and number of terms.
    runs : list of (Activation, callable, int, int, slice or array, slice or array)
        Its neurons by activation (the softmax group's aside): g, g for arrays, the lanes
        lo … hi, and which of them are outputs (positions within the run, indices in y;
        None where none is).
    back : list of (int, slice or array, tuple)
        Per delay d: the target lanes (sum neurons) and the block of W_d, (targets × level),
        that carries Δ back to the level.
    """

    def __init__(self, free, start, stop, sums):
        self.free, self.start, self.stop, self.sums = free, start, stop, sums
        self.into, self.into_free, self.gradient = [], [], []
        self.gated, self.runs, self.back = [], [], []


class Gated:
    """Max or product neurons (lanes lo … hi) with as many terms each, `n_terms`.

    Their terms come in `parts`: (m, a, b, d, sources, slots, repeated, mine), the term m of
    the group's neurons a … b (counted from lo), all of delay d: their source lanes (a slice
    or an array), their weights' slots, whether a source lane repeats among them, and which
    of the weights are parameters. `trainable`: whether any is.
    """

    def __init__(self, combine, lo, hi, n_terms, parts):
        self.combine, self.lo, self.hi, self.n_terms, self.parts = \
            combine, lo, hi, n_terms, parts
        self.trainable = any(part[7].any() for part in parts)


class SequenceLanes:
    """The lanes of a :class:`~neurograph.engines.sequence.SequencePlan` (`seq`).

    Attributes: `P` lanes, `D` the longest delay, `trainable` the number of parameters,
    `lane` (the lane of each of the plan's positions), `inputs` and `outputs` (lanes;
    `output_cols` the outputs' as a slice where they run contiguously), `levels`
    (:class:`Level`, the free ones first), `group` and `group_k` (the softmax outputs' lanes
    and indices in y), `output_g` and `output_groups` (the outputs by activation, the
    group's aside).
    """

    def __init__(self, seq):
        self.seq, self.P, self.D = seq, seq.size, seq.longest
        self.trainable = seq.n_parameters
        free, depth = {0, *seq.inputs}, {}
        growing = True
        while growing:  # free: every source free (so no loop reaches it)
            growing = False
            for j, _, rows, _ in seq.forward:
                if j not in free and all(i in free for i, _, _ in rows):
                    free.add(j)
                    depth[j] = (0, 1 + max((depth[i][1] for i, _, _ in rows if i in depth),
                                           default=0))
                    growing = True
        for j, _, rows, _ in seq.forward:
            if j not in free:
                depth[j] = (1, 1 + max((depth[i][1] for i, _, d in rows
                                        if d == 0 and i in depth and i not in free),
                                       default=0))
        grouped = {j for j, _ in seq.group}
        by_depth = {}
        for j, g, rows, combine in seq.forward:
            by_depth.setdefault(depth[j], []).append((j, g, rows, combine))
        gate_keys, g_keys = {}, {}

        def key(member):
            j, g, rows, combine = member
            g_key = g_keys.setdefault(id(g) if j not in grouped else None, len(g_keys))
            if combine is None:
                return (0, 0, g_key, j)
            shape = (id(combine), len(rows))
            return (1, gate_keys.setdefault(shape, len(gate_keys)), g_key,
                    tuple(d for _, _, d in rows), j)

        order, spans = [0, *seq.inputs], []
        for L in sorted(by_depth):
            members = sorted(by_depth[L], key=key)
            spans.append((L[0] == 0, len(order), members, [key(m) for m in members]))
            order.extend(j for j, *_ in members)
        self.lane = lane = np.empty(self.P, dtype=int)
        lane[order] = np.arange(self.P)
        self.inputs = lane[seq.inputs]
        self.outputs = lane[seq.outputs]
        self.output_cols = _as_slice(self.outputs) or self.outputs
        free_lanes = {lane[i] for i in free}
        out_edges = {}  # i → (d, lane of j, ij) of its edges into sum neurons
        for j, _, rows, combine in seq.forward:
            if combine is None:
                for i, ij, d in rows:
                    out_edges.setdefault(i, []).append((d, lane[j], ij))
        self.levels = [self._level(*span, free_lanes, out_edges, grouped) for span in spans]
        self.output_g = seq.output_g
        by_g = {}
        for k, g in enumerate(seq.output_g):
            if not g.group:
                by_g.setdefault(g, []).append(k)
        self.output_groups = [(g, np.array(ks)) for g, ks in by_g.items()]
        self.group = np.array([lane[j] for j, _ in seq.group], dtype=int)
        self.group_k = np.array([k for _, k in seq.group], dtype=int)

    def _level(self, free, start, members, keys, free_lanes, out_edges, grouped):
        lane, stop = self.lane, start + len(members)
        n_sums = sum(1 for m in members if m[3] is None)
        level = Level(free, start, stop, slice(start, start + n_sums))
        edges = [(lane[i], start + c, ij, d) for c, (_, _, rows, combine) in
                 enumerate(members) if combine is None for i, ij, d in rows]
        early = [] if free else [edge for edge in edges if edge[0] in free_lanes]
        level.into = _blocks([edge for edge in edges if free or edge[0] not in free_lanes],
                             start, n_sums)
        level.into_free = _blocks(early, start, n_sums)
        for d, cols, (rows, cols_, slots, _) in level.into + level.into_free:
            mine = slots < self.trainable
            if mine.any():
                level.gradient.append((d, cols, rows[mine], cols_[mine], slots[mine]))
        for c, end in _runs(keys, n_sums, 2):
            level.gated.append(self._gated(members[c:end], start + c, start + end))
        y_index = {j: k for k, j in enumerate(self.seq.outputs)}
        for c, end in _runs(keys, 0, 3):
            j, g = members[c][0], members[c][1]
            if j not in grouped:
                outs = [(p, y_index[members[c + p][0]]) for p in range(end - c)
                        if members[c + p][0] in y_index]
                out_pos, out_k = (np.array(part, dtype=int) for part in zip(*outs)) \
                    if outs else (None, None)
                level.runs.append((g, array_function(g), start + c, start + end,
                                   _slice_or(out_pos), _slice_or(out_k)))
        level.back = _blocks([(t_lane, lane[i], ij, d) for i in (m[0] for m in members)
                              for d, t_lane, ij in out_edges.get(i, ())], start, stop - start)
        return level

    def _gated(self, members, lo, hi):
        parts = []
        for m in range(len(members[0][2])):
            delays = [rows[m][2] for _, _, rows, _ in members]
            a = 0
            while a < len(members):  # the runs of neurons whose term m has one delay
                b = a
                while b < len(members) and delays[b] == delays[a]:
                    b += 1
                sources = np.array([self.lane[rows[m][0]] for _, _, rows, _ in members[a:b]],
                                   dtype=int)
                slots = np.array([rows[m][1] for _, _, rows, _ in members[a:b]], dtype=int)
                parts.append((m, a, b, delays[a], _as_slice(sources) or sources, slots,
                              len(np.unique(sources)) < len(sources), slots < self.trainable))
                a = b
        return Gated(members[0][3], lo, hi, len(members[0][2]), parts)


def _runs(keys, first, width):
    """(c, end) of each run of members from `first` on whose keys agree in their first
    `width` parts."""
    c = first
    while c < len(keys):
        end = c
        while end < len(keys) and keys[end][:width] == keys[c][:width]:
            end += 1
        yield c, end
        c = end


def _slice_or(lanes):
    """`lanes` as a slice where they run consecutively, else as they are."""
    return lanes if lanes is None else _as_slice(lanes) or lanes


def _as_slice(lanes):
    """`lanes` (sorted, distinct, consecutive) as a slice, else None (also for none)."""
    if len(lanes) and np.array_equal(lanes, np.arange(lanes[0], lanes[0] + len(lanes))):
        return slice(int(lanes[0]), int(lanes[0]) + len(lanes))
    return None


def _blocks(edges, start, size):
    """Blocks of weights, one per delay d, of `edges` (i, c, ij, d): i the other side's lane,
    c this side's lane (`size` lanes from `start`). Each block is (d, the other side's
    lanes, (rows, cols, slots, shape)), rows indexing the other side's lanes and cols this
    side's: the other side's lanes are a slice when they span at most twice their number
    (the lanes between get zero rows), else an array of the lanes."""
    by_delay = {}
    for i, c, ij, d in edges:
        by_delay.setdefault(d, []).append((i, c - start, ij))
    blocks = []
    for d, group in sorted(by_delay.items()):
        ids = sorted({i for i, _, _ in group})
        if ids[-1] - ids[0] + 1 <= 2 * len(ids):
            cols = slice(int(ids[0]), int(ids[-1]) + 1)
            at = {i: i - ids[0] for i in ids}
            height = ids[-1] - ids[0] + 1
        else:
            cols, at, height = np.array(ids), {i: p for p, i in enumerate(ids)}, len(ids)
        rows = np.array([at[i] for i, _, _ in group], dtype=int)
        here = np.array([c for _, c, _ in group], dtype=int)
        slots = np.array([ij for _, _, ij in group], dtype=int)
        blocks.append((d, cols, (rows, here, slots, (height, size))))
    return blocks
