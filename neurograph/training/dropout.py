"""Dropout (Lecture 07-5a): drop each hidden neuron with probability p per example.

For one example a dropped neuron's g and g′ become 0, and a survivor's s·g and s·g′
with s = 1/(1 − p), so a_j = s g(in_j) and Δ_j = s g′(in_j) Σ_k w_jk Δ_k. The
reference engine runs unchanged on a plan with those activations
(:meth:`Plan.with_activations`); the batch engine multiplies by the same factors and
draws the same random numbers in the same order: one row of len(hidden) per example,
hidden neurons in topological order.
"""

from ..model.activations import Activation

__all__ = ["Dropout", "DROPPED"]

DROPPED = Activation("dropped", g=lambda z: 0.0 * z, dg=lambda z: 0.0 * z)


class Dropout:
    """Plans with hidden neurons dropped at random, one per example."""

    def __init__(self, plan, rate, rng):
        self.plan, self.rate, self.rng = plan, rate, rng
        self.neurons = [neuron for neuron, *_ in plan.forward if neuron.kind == "hidden"]
        scale = 1.0 / (1.0 - rate)
        self.kept = [_scaled(g, scale) for neuron, g, *_ in plan.forward
                     if neuron.kind == "hidden"]

    def draw(self):
        """A plan for one example: each hidden neuron kept (scaled) or dropped."""
        keep = (self.rng.random(len(self.neurons)) >= self.rate).tolist()
        return self.plan.with_activations({
            neuron: kept if on else DROPPED
            for neuron, kept, on in zip(self.neurons, self.kept, keep)})


def _scaled(activation, scale):
    return Activation(f"{activation.name}_kept", g=lambda z: scale * activation.g(z),
                      dg=lambda z: scale * activation.dg(z))
