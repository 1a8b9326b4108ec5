"""Hand-worked steps in the lecture's notation: forward propagation, backpropagation and an
update, as :class:`~neurograph.teaching.explanation.Explanation` steps.

The calculation itself is :class:`~neurograph.teaching.working.Working`; checking a
student's answers against it is :mod:`neurograph.teaching.answers`.
"""

from .. import checks
from ..errors import NetworkError
from ..model.losses import get_loss
from ..training.sparsity import sparsity_of
from ..numbers import Precision
from .explanation import Explanation
from .working import Working, sparsity_slopes

__all__ = ["explain", "work_through"]


def explain(net, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
            weight_decay=0.0, decay_bias=True, sparsity=None, batch=None, significant=None):
    """Forward propagation, backpropagation and an update, step by step; see Network.explain."""
    return work_through(net, x, y, lr, loss, digits, carry_rounded, weight_decay, decay_bias,
                        sparsity, batch, significant=significant)


def work_through(net, x, y=None, lr=None, loss="squared", digits=4, carry_rounded=False,
                 weight_decay=0.0, decay_bias=True, sparsity=None, batch=None, mistake=None,
                 significant=None, given=None):
    """:func:`explain`, optionally making one of the students' mistakes on the way.

    `mistake` is (code, j, detail): a code of ``MISCONCEPTIONS`` (:mod:`.mistakes`), the
    neuron whose step it spoils (None: every step, as a student who always makes it), and
    for "missing_successor" the successor left out, for "factor_2" the factor. `given`
    ({name: value}) carries a student's own values on in place of the right ones: each step
    then shows the value worked from theirs (what "error carried forward" marks against).
    """
    plan = net.plan()
    sparse = sparsity_of(net, sparsity)
    x = checks.vector(x, len(plan.inputs), "x")
    y = None if y is None else checks.vector(y, len(plan.outputs), "y")
    loss = get_loss(loss)
    digits = checks.option("digits", digits)
    if significant is not None:
        significant = checks.option("significant", significant)
    precision = Precision(digits, significant)
    carry_rounded = checks.flag(carry_rounded, "carry_rounded")
    decay_bias = checks.flag(decay_bias, "decay_bias")
    if lr is not None:
        if y is None:
            raise NetworkError("an update needs the target: pass y as well as lr")
        lr = checks.option("lr", lr)
        if plan.norms:
            raise NetworkError(f"neurons {[n.id for n, _ in plan.norms]} are batch-normalized: "
                               f"they train on mini-batches, not one example; explain without "
                               f"lr shows the forward and backward pass")
    weight_decay = checks.option("weight_decay", weight_decay)
    from ..training.loop import predict  # (not on import: it brings the batch engine, scipy)
    predict(net, [x], engine="reference")  # forward's refusal of an example that overflows
    work = Working(precision if carry_rounded else None, mistake, given)
    work.lr = lr
    if sparse is not None:
        if y is None:
            raise NetworkError("the sparsity term is part of backpropagation: pass y as well")
        rows = [x] if batch is None else checks.matrix(batch, len(plan.inputs), "batch").tolist()
        work.sparse = sparsity_slopes(net, plan, sparse, rows)
    work.forward(plan, x)
    headings = {"forward": f"Forward propagation, x = {_vector_text(x, precision)}"}
    if y is not None:
        work.sparsity_steps()
        work.backward(plan, y, loss)
        headings["backward"] = (f"Backpropagation, y = {_vector_text(y, precision)}, "
                                f"{loss.name} loss")
        work.gradients(plan)
    if lr is not None:
        work.updates(plan, lr, weight_decay, decay_bias)
        headings["update"] = f"Weight updates, α = {lr:g}" + (
            f", λ = {weight_decay:g}" if weight_decay else "")
    how = ("every value rounded to {d} and carried on, as by hand"
           if carry_rounded else "exact values, shown to {d}")
    return Explanation(f"Hand-worked steps ({how.format(d=precision.words())})", work.steps,
                       work.neuron_rows(plan), work.edge_rows(plan), digits, carry_rounded,
                       headings, significant, network=net.copy())


def _vector_text(values, precision):
    return "(" + ", ".join(precision.format(v) for v in values) + ")"
