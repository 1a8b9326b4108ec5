"""Names every file format shares."""

from ..checks import BATCH_NORM

__all__ = ["NORM_FIELDS"]

NORM_FIELDS = tuple(BATCH_NORM)
"""A batch-normalized neuron's numbers, as files name them (BatchNorm's fields; what each
accepts: :data:`neurograph.checks.BATCH_NORM`)."""
