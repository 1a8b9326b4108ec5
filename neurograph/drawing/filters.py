"""Each hidden neuron's incoming weights as a small image: what it has learned to look for.

UFLDL's ``display_network`` (“Multi-level networks”, Lecture 25): one tile per hidden
neuron j, the weights w_ij from the inputs i laid out in the inputs' own shape (8 × 8 for the
digits), each tile scaled on its own — its mean taken away, divided by its largest magnitude —
and shown in grey, so that −1 is black and +1 white.
"""

import math

import numpy as np

from ..errors import NetworkError, describe

__all__ = ["plot_filters", "filters_of"]


def filters_of(net, neurons=None):
    """(ids, array): each chosen neuron's weights from the inputs, one row each, in the order
    of ``net.inputs`` (0 where an input has no edge to it); an RBM gives its own."""
    if hasattr(net, "filters"):
        return net.filters(neurons)
    inputs = net.inputs
    ids = list(net.hidden if neurons is None else neurons)
    if not ids:
        raise NetworkError("plot_filters needs hidden neurons (or neurons=[…]); there are none")
    rows = []
    for j in ids:
        neuron = net.neuron(j)
        if not neuron.is_processing:
            raise NetworkError(f"neuron {j} is {neuron.kind}: filters are processing neurons' "
                               f"incoming weights")
        rows.append([net.w[i, j] if net.has_edge(i, j) else 0.0 for i in inputs])
    return ids, np.array(rows)


def plot_filters(net, neurons=None, shape=None, ax=None, columns=None, title=None):
    """Tile each hidden neuron's incoming weights as an image.

    Parameters
    ----------
    net : Network or RBM
    neurons : sequence of int, optional
        Which neurons (default: every hidden neuron).
    shape : (int, int), optional
        The inputs' layout, rows × columns (default: a square, when the number of inputs
        is one).
    ax : matplotlib.axes.Axes, optional
    columns : int, optional
        Tiles per row (default: about a square grid).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import neurograph as ng
    >>> ax = ng.plot_filters(ng.Network.autoencoder(64, 25, seed=0))
    >>> ax.images[0].get_array().shape       # 5 × 5 tiles of 8 × 8 pixels, 1-pixel borders
    (46, 46)
    """
    ids, W = filters_of(net, neurons)
    n_inputs = W.shape[1]
    if shape is None:
        side = math.isqrt(n_inputs)
        if side * side != n_inputs:
            raise NetworkError(f"the {n_inputs} inputs are not a square; give shape=(rows, "
                               f"columns)")
        shape = (side, side)
    if (not isinstance(shape, (tuple, list)) or len(shape) != 2
            or not all(isinstance(v, int) and v > 0 for v in shape)
            or shape[0] * shape[1] != n_inputs):
        raise NetworkError(f"shape must be (rows, columns) with rows × columns = {n_inputs} "
                           f"inputs; received {describe(shape)}")
    count = len(ids)
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    height, width = shape
    canvas = np.full((rows * (height + 1) + 1, columns * (width + 1) + 1), -1.0)
    for k, w in enumerate(W):
        tile = w - w.mean()
        largest = np.max(np.abs(tile))
        tile = tile / largest if largest > 0 else tile
        r, c = divmod(k, columns)
        top, left = 1 + r * (height + 1), 1 + c * (width + 1)
        canvas[top:top + height, left:left + width] = tile.reshape(shape)
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(min(8, 0.9 * columns + 1), min(8, 0.9 * rows + 1)))
    ax.imshow(canvas, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
