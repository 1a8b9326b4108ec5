"""Training made visible: cost per epoch, decision boundaries, each neuron's output, |Δ_j| by depth.

As in :mod:`neurograph.plot`, matplotlib is imported inside the functions, which
take ``ax=None`` and return what they drew. None of them changes the network:
they compute on a copy.
"""

import math

import numpy as np

from .. import checks
from ..data import classes
from ..engines import reference, sequence
from ..errors import NetworkError, describe
from ..model.losses import get_loss
from ..model.recurrent import sequence_inputs, sequence_targets
from ..training.history import History
from .network import network_layout

__all__ = ["plot_history", "plot_decision_boundary", "plot_neuron_outputs", "plot_deltas"]

CLASS_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
                 "#000000"]  # Okabe–Ito


def _axes(ax, figsize=(6.0, 4.0)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=figsize)[1]


def plot_history(history, ax=None, log=False, labels=None):
    """The cost after each step of training, the validation cost and the accuracy when
    recorded; several runs on one Axes to compare them.

    Parameters
    ----------
    history : History, training record, or list of them
        What :meth:`Network.fit` returned, ``cascade_correlation``'s history (by hidden
        neurons) or ``evolve``'s result (by generation): see :meth:`History.of`. A list
        of them draws each run in its own colour.
    ax : matplotlib.axes.Axes, optional
    log : bool, default False
        A logarithmic cost axis, which shows the late epochs of a good fit.
    labels : list of str, optional
        The runs' names in the legend (default "run 1", "run 2", …).

    The accuracy (the share of examples classified right), where recorded, is drawn
    dotted against a second axis on the right, from 0 to 1.

    Returns
    -------
    matplotlib.axes.Axes
        The cost's Axes (the accuracy's is its twin, gid "accuracy-axis").

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import neurograph as ng
    >>> fit = ng.History(loss=[0.5, 0.3, 0.2], accuracy=[0.5, 0.75, 1.0])
    >>> grown = [{"hidden": 0, "loss": 0.6, "error": 0.5}, {"hidden": 1, "loss": 0.1, "error": 0.0}]
    >>> ax = ng.plot_history([fit, grown], labels=["SGD", "cascade"])
    >>> sorted(line.get_gid() for line in ax.lines)
    ['loss:0', 'loss:1']
    """
    records = _records(history)
    several = len(records) > 1
    names = _run_names(labels, len(records))
    ax = _axes(ax)
    twin = None
    steps = []
    for k, (record, name) in enumerate(zip(records, names)):
        table = record.table()
        x = np.asarray(table[record.step])
        steps.append(record.step)
        for column, style, what, axis in (("loss", "-", "training", "cost"),
                                          ("val_loss", "--", "validation", "cost"),
                                          ("accuracy", ":", "training accuracy", "accuracy"),
                                          ("val_accuracy", "-.", "validation accuracy",
                                           "accuracy")):
            if column not in table:
                continue
            if axis == "accuracy" and twin is None:
                twin = ax.twinx()
                twin.set_gid("accuracy-axis")
            target = ax if axis == "cost" else twin
            values = table[column]
            colour = CLASS_COLOURS[k % 8] if several else CLASS_COLOURS[0 if "val" not in column
                                                                        else 1]
            label = f"{name}: {what}" if several else what
            target.plot(x[:len(values)], values, color=colour, linestyle=style, label=label,
                        gid=f"{column}:{k}" if several else column,
                        marker="o" if len(values) <= 30 else None, markersize=3)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(" / ".join(dict.fromkeys(steps)))
    ax.set_ylabel("J(w)")
    ax.spines[["top"]].set_visible(False)
    handles, texts = ax.get_legend_handles_labels()
    if twin is not None:
        twin.set_ylim(-0.02, 1.02)
        twin.set_ylabel("accuracy (share right)")
        twin.spines[["top"]].set_visible(False)
        more, more_texts = twin.get_legend_handles_labels()
        handles, texts = handles + more, texts + more_texts
    else:
        ax.spines[["right"]].set_visible(False)
    if twin is None:
        ax.legend(handles, texts, frameon=False, fontsize=8)
    else:  # under the Axes: two scales leave no corner free of lines
        ax.legend(handles, texts, frameon=False, fontsize=8, loc="upper center",
                  bbox_to_anchor=(0.5, -0.14), ncol=2)
    return ax


def _records(history):
    """The runs to draw, each as a History (see :meth:`History.of`)."""
    one = (isinstance(history, History) or hasattr(history, "history")
           or (isinstance(history, (list, tuple)) and history
               and all(isinstance(row, dict) for row in history)))
    runs = [history] if one else history
    if not isinstance(runs, (list, tuple)) or not runs:
        raise NetworkError(f"plot_history needs a History, a training record, or a list of "
                           f"them; received {describe(history)}")
    records = [History.of(run) for run in runs]
    for record in records:
        if not any(record.table()[name] for name in list(record.table())[1:]):
            raise NetworkError(f"plot_history needs a History with at least one epoch; "
                               f"received {describe(history)}")
    return records


def _run_names(labels, count):
    if labels is None:
        return [f"run {k}" for k in range(1, count + 1)]
    if isinstance(labels, str) or not all(isinstance(name, str) for name in labels) \
            or len(labels) != count:
        raise NetworkError(f"labels must be {count} name{'s' * (count > 1)}, one per run; "
                           f"received {describe(labels)}")
    return list(labels)


def _two_inputs(net, what):
    if len(net.inputs) != 2:
        raise NetworkError(f"{what} draws the plane of two inputs; this network has "
                           f"{len(net.inputs)} inputs {net.inputs}")


def _grid(extent, resolution):
    x0, x1, y0, y1 = extent
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    return xs, ys, np.array([[x, y] for y in ys for x in xs])


def _extent(X, extent, margin=0.25):
    if extent is not None:
        extent = [checks.weight(v, "extent") for v in extent]
        if len(extent) != 4 or extent[0] >= extent[1] or extent[2] >= extent[3]:
            raise NetworkError(f"extent must be (x_min, x_max, y_min, y_max) with min < max; "
                               f"received {extent}")
        return extent
    if X is None:
        return [-1.0, 1.0, -1.0, 1.0]
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    return [low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1]]


def plot_decision_boundary(net, X, y, ax=None, resolution=150):
    """The classes a two-input network assigns over the plane, with the examples on top.

    With one output neuron the colour is a_k (0 to 1) and the boundary a_k = 0.5;
    with several, each region is the class of the highest output.

    Parameters
    ----------
    net : Network
        With two inputs.
    X : array_like, n × 2
    y : array_like
        Class labels, or targets (0/1 or one-hot) read as classes.
    ax : matplotlib.axes.Axes, optional
    resolution : int, default 150
        Grid points per side.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.colors import ListedColormap
    _two_inputs(net, "plot_decision_boundary")
    X = checks.matrix(X, 2, "X")
    labels = np.asarray(y)
    labels = classes(labels) if labels.ndim == 2 or labels.dtype.kind == "f" else labels
    if len(labels) != len(X):
        raise NetworkError(f"y must have a label per row of X; received {len(labels)} labels "
                           f"for {len(X)} rows")
    extent = _extent(X, None)
    xs, ys, grid = _grid(extent, resolution)
    outputs = net.copy().predict(grid)
    ax = _axes(ax, (5.0, 4.5))
    if outputs.shape[1] == 1:
        surface = outputs[:, 0].reshape(resolution, resolution)
        image = ax.contourf(xs, ys, surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                            alpha=0.75, vmin=0, vmax=1)
        ax.contour(xs, ys, surface, levels=[0.5], colors="black", linewidths=1.2)
        ax.figure.colorbar(image, ax=ax, label="$h(x) = a_k$")
    else:
        surface = classes(outputs).reshape(resolution, resolution)
        k = outputs.shape[1]
        ax.contourf(xs, ys, surface, levels=np.arange(-0.5, k), alpha=0.35,
                    cmap=ListedColormap([CLASS_COLOURS[c % 8] for c in range(k)]))
    colours = [CLASS_COLOURS[int(c) % 8] for c in labels]
    ax.scatter(X[:, 0], X[:, 1], c=colours, edgecolors="black", s=40, zorder=3, gid="examples")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def plot_neuron_outputs(net, X=None, extent=None, resolution=60, neurons=None, figure=None):
    """Each processing neuron's output a_j over the plane of two inputs (TensorFlow
    Playground's heat maps), laid out as the network is: one column per layer.

    Parameters
    ----------
    net : Network
        With two inputs.
    X : array_like, optional
        Examples to mark on each map; they also set the extent.
    extent : (x_min, x_max, y_min, y_max), optional
        Default: the examples' range, or [−1, 1]².
    resolution : int, default 60
    neurons : sequence of int, optional
        Which neurons; default every processing neuron.
    figure : matplotlib.figure.Figure, optional

    Returns
    -------
    dict
        ``{j: Axes}``.
    """
    _two_inputs(net, "plot_neuron_outputs")
    X = None if X is None else checks.matrix(X, 2, "X")
    twin = net.copy()
    plan = twin.plan()
    chosen = [n.id for n, *_ in plan.forward] if neurons is None else list(neurons)
    for j in chosen:
        if not (isinstance(j, int) and j in twin.graph and twin.neuron(j).is_processing):
            raise NetworkError(f"neurons must be processing neurons; received {describe(j)}")
    extent = _extent(X, extent)
    _, _, grid = _grid(extent, resolution)
    values = {j: np.empty(len(grid)) for j in chosen}
    for row, x in enumerate(grid.tolist()):
        reference.forward_propagate(plan, x)
        for j in chosen:
            values[j][row] = twin.neuron(j).a
    where = network_layout(net)
    column_xs = sorted({where[j][0] for j in chosen})
    columns = {x: sorted((j for j in chosen if where[j][0] == x), key=lambda j: -where[j][1])
               for x in column_xs}
    rows = max(len(c) for c in columns.values())
    if figure is None:
        import matplotlib.pyplot as plt
        figure = plt.figure(figsize=(2.3 * len(columns), 2.2 * rows))
    axes = {}
    for c, x in enumerate(column_xs):
        for r, j in enumerate(columns[x]):
            ax = figure.add_subplot(rows, len(columns), r * len(columns) + c + 1)
            bounds = twin.neuron(j).activation.bounds  # a bounded g: colours over its range
            limits = bounds if all(map(math.isfinite, bounds)) else (None, None)
            ax.imshow(values[j].reshape(resolution, resolution), origin="lower", extent=extent,
                      cmap="RdBu_r", vmin=limits[0], vmax=limits[1], aspect="auto", gid=f"a:{j}")
            if X is not None:
                ax.scatter(X[:, 0], X[:, 1], s=8, c="black")
            ax.set_title(f"$a_{{{j}}}$ ({twin.neuron(j).activation.name})", fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
            axes[j] = ax
    return axes


def _deltas_in_time(net, X, Y, loss, ax, label, neurons):
    """plot_deltas for one sequence: the geometric mean of |Δ_j(t)| at each t."""
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    X = sequence_inputs(X, len(plan.inputs), "x", single=True)
    Y = sequence_targets(np.asarray(Y, dtype=float)[None], (1, len(X), len(plan.outputs)),
                         "y")[0]
    chosen = net.hidden if neurons is None else [net.neuron(j).id for j in neurons]
    if not chosen:
        raise NetworkError("plot_deltas needs neurons to show: the network has no hidden "
                           "neuron; name some with neurons=[…]")
    trace = sequence.forward_through_time(seq, plan.store.memory, X.tolist())
    delta = sequence.back_propagate_through_time(seq, plan.store.memory, trace,
                                                 sequence.as_rows(Y), get_loss(loss))
    at = {j: p for p, j in enumerate(seq.ids)}
    steps = list(range(1, len(X) + 1))
    means = [math.exp(np.mean([math.log(max(abs(delta[t][at[j]]), 1e-300)) for j in chosen]))
             for t in steps]
    ax = _axes(ax)
    ax.plot(steps, means, marker="o", markersize=3, label=label, gid=f"deltas:{label}")
    ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel("$|\\Delta_j(t)|$ (geometric mean)")
    if label is not None:
        ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_deltas(net, x, y, loss="squared", ax=None, label=None, neurons=None):
    """|Δ_j| of one example by depth: how the gradient shrinks towards the inputs.

    Depth is the neuron's column in :func:`network_layout` (1 = first processing
    column). The line joins the geometric mean of |Δ_j| in each column; a
    logarithmic scale shows vanishing gradients as a straight fall. An exact zero (a
    dead ReLU) is drawn at 0: the axis is then linear below the smallest |Δ_j| that is
    not 0, and the line joins the columns' non-zero values. Call it again with the same
    `ax` and another `label` to compare networks.

    For a sequence (a recurrent network, or `x` of shape (T, n_inputs); `y` (T, n_outputs),
    NaN rows for no target): |Δ_j(t)| over the time steps, the geometric mean over `neurons`
    (default: the hidden neurons) — how BPTT's gradient vanishes through time, and how an
    LSTM's memory neurons (``Network.cell_ids("lstm", …)["c"]``) keep it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if net.delays or np.ndim(x) == 2:
        return _deltas_in_time(net, x, y, loss, ax, label, neurons)
    twin = net.copy()
    twin.forward(x)
    twin.backward(y, loss=loss)
    where = network_layout(net)
    column = {x: k for k, x in enumerate(sorted({where[j][0] for j in where if j != 0}))}
    points = [(column[where[n.id][0]], abs(n.delta)) for n in twin.neurons if n.is_processing]
    depths = sorted({d for d, _ in points})
    # the geometric mean of the column's non-zero |Δ_j| (0 only when all are exactly 0)
    means = []
    for depth in depths:
        nonzero = [math.log(v) for d, v in points if d == depth and v > 0]
        means.append(math.exp(np.mean(nonzero)) if nonzero else 0.0)
    ax = _axes(ax)
    line, = ax.plot(depths, means, marker="o", label=label, gid=f"deltas:{label}")
    ax.scatter([d for d, _ in points], [v for _, v in points], color=line.get_color(), s=12,
               alpha=0.6)
    smallest = min((v for _, v in points if v > 0), default=None)
    if smallest is None:
        ax.set_yscale("linear")  # every Δ_j is exactly 0
    elif any(v == 0 for _, v in points) or ax.get_yscale() == "symlog":
        # zeros as zeros: linear below the smallest |Δ_j| that is not 0, logarithmic above
        threshold = min(smallest, getattr(ax.yaxis.get_transform(), "linthresh", smallest))
        ax.set_yscale("symlog", linthresh=threshold)
        ax.set_ylim(bottom=0)
    else:
        ax.set_yscale("log")
    ax.set_xticks(depths)
    ax.set_xlabel("depth (column of processing neurons)")
    ax.set_ylabel("$|\\Delta_j|$")
    if label is not None:
        ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax
