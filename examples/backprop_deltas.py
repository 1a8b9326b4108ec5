"""Lectures 07-3a to 07-3c: the Δ_j of the 7-neuron network, step by step.

Inputs 1, 2; hidden layers {3, 4} and {5, 6}; output 7. The explanation writes
each Δ_j as the slides do (Δ_7 = −2(y − a_7)g′(in_7), Δ_5 = g′(in_5)(w_5,7 Δ_7),
Δ_3 = g′(in_3)(w_3,5 Δ_5 + w_3,6 Δ_6), …) in reverse topological order, then
every ∂J/∂w_ij = Δ_j a_i; finite differences confirm them (Lecture 25).
"""

import neurograph as ng

net = ng.Network.layered([2, 2, 2, 1], seed=7, epsilon=1.0)
x, y = [0.7, -1.3], [1.0]
explanation = net.explain(x, y)
for heading, steps in explanation.sections()[1:]:
    print(heading)
    for step in steps:
        print("  " + step.text(explanation.digits))

check = ng.gradcheck(net, x, y, eps=1e-4)
print(f"\nFinite differences with ε = 1e-4 on all {len(net.w)} weights: "
      f"largest relative error {check.max_relative_error:.1e}")
