"""Names every file format shares."""

__all__ = ["NORM_FIELDS"]

NORM_FIELDS = ("gamma", "beta", "eps", "momentum", "running_mean", "running_var")
"""A batch-normalized neuron's numbers, as files name them (BatchNorm's fields)."""
