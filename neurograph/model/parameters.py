"""θ: every weight of a network in one contiguous float64 array, which the network owns.

Each :class:`~neurograph.model.neuron.Edge` (a tied group shares one) holds a *slot* of
this array and reads and writes ``w_ij`` there, and so do a batch norm's γ_j and β_j; the
engines read and write the array itself, so no call copies weights from edge objects or
back. Once the network's plan is compiled the array is packed in the order of
``net.theta_edges()`` — the trainable weights (a tied group once), then γ_j, β_j of each
batch-normalized neuron — and the frozen weights after them, so ``net.theta()`` is the
first slice of it.

>>> from neurograph.model.parameters import Parameters
>>> theta = Parameters()
>>> [theta.add(w) for w in (0.5, -1.0, 2.0)]
[0, 1, 2]
>>> theta.memory[1], theta.array()
(-1.0, array([ 0.5, -1. ,  2. ]))
"""

import numpy as np

__all__ = ["Parameters", "Slot"]


class Parameters:
    """A growable, contiguous float64 array of weights, and a memoryview of it.

    Attributes
    ----------
    values : numpy.ndarray
        The storage (its length is the capacity; the first :attr:`size` entries are used).
    memory : memoryview
        ``values`` as Python floats: ``memory[slot]`` reads a weight as a ``float`` and
        ``memory[slot] = w`` writes one, as fast as an attribute (the reference engine's
        per-neuron loops use it).
    size : int
        How many slots are taken.
    """

    __slots__ = ("values", "memory", "size")

    def __init__(self, capacity=8):
        self._allocate(np.zeros(max(int(capacity), 1)), 0)

    def _allocate(self, values, size):
        self.values, self.memory, self.size = values, memoryview(values), size

    def add(self, w):
        """A new slot holding `w`; returns its index. Amortized O(1): the storage doubles
        when it is full (every slot keeps its index)."""
        if self.size == len(self.values):
            grown = np.zeros(2 * len(self.values))
            grown[:self.size] = self.values[:self.size]
            self._allocate(grown, self.size)
        slot = self.size
        self.memory[slot] = float(w)
        self.size += 1
        return slot

    def write(self, slots, values):
        """Write ``values[k]`` into slot ``slots[k]`` for every k (two equal-length buffers or
        sequences: slot indices and floats), at once."""
        if len(slots):
            self.values[np.asarray(slots, dtype=np.intp)] = np.asarray(values, dtype=float)

    def reserve(self, count):
        """Make room for `count` more slots at once (a network built from many edges at once
        then holds exactly what it needs, with no doubling on the way)."""
        if self.size + count > len(self.values):
            grown = np.zeros(self.size + count)
            grown[:self.size] = self.values[:self.size]
            self._allocate(grown, self.size)

    def pack(self, holders):
        """Keep only the slots of `holders` (objects with a ``slot``; one per slot), in their
        order: holder k gets slot k. Slots no holder names are dropped."""
        holders = list(holders)
        old = np.fromiter((holder.slot for holder in holders), dtype=np.intp, count=len(holders))
        packed = np.zeros(max(len(holders), 8))
        packed[:len(holders)] = self.values[old]
        self._allocate(packed, len(holders))
        for k, holder in enumerate(holders):
            holder.slot = k

    def array(self):
        """The used part of :attr:`values` (a view: writing it writes the weights)."""
        return self.values[:self.size]

    def __getstate__(self):
        return self.values[:self.size].copy()

    def __setstate__(self, values):
        storage = np.zeros(max(len(values), 8))
        storage[:len(values)] = values
        self._allocate(storage, len(values))

    def __repr__(self):
        return f"Parameters({self.array()!r})"


class Slot:
    """One number of a :class:`Parameters` array: where it is (``store``, ``slot``), and its
    ``value`` read and written there."""

    __slots__ = ("store", "slot")

    def __init__(self, store, value):
        self.store = store
        self.slot = store.add(value)

    @property
    def value(self):
        """The number, a float."""
        return self.store.memory[self.slot]

    @value.setter
    def value(self, value):
        self.store.memory[self.slot] = float(value)

    def move_to(self, store):
        """Take a slot of `store` instead, keeping the value (a batch norm joining a network)."""
        if store is not self.store:
            self.slot, self.store = store.add(self.value), store
