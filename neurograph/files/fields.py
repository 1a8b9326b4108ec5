"""Names every file format shares, and what each number accepts."""

from functools import partial

from .. import checks

__all__ = ["NORM_FIELDS", "NORM_RULES"]

NORM_FIELDS = ("gamma", "beta", "eps", "momentum", "running_mean", "running_var")
"""A batch-normalized neuron's numbers, as files name them (BatchNorm's fields)."""

NORM_RULES = {
    "gamma": partial(checks.weight, what="gamma"),
    "beta": partial(checks.weight, what="beta"),
    "eps": checks.Number("eps", above=0.0, rule="a small positive number"),
    "momentum": checks.Number("momentum", at_least=0.0, at_most=1.0, rule="from 0 to 1"),
    "running_mean": checks.Number("running_mean"),
    "running_var": checks.Number("running_var", at_least=0.0, rule="at least 0"),
}
"""What each of :data:`NORM_FIELDS` accepts, declared once: ``NORM_RULES[name](value)`` is the
value as a float, or a :class:`~neurograph.errors.NetworkError` saying what was expected.
γ and β are parameters (weights, within ±:data:`~neurograph.checks.WEIGHT_LIMIT`); the rest
are finite numbers, ε > 0, the momentum in [0, 1] and the running variance ≥ 0. The batch
norm checks every number set on it with these, and so do the file readers."""
