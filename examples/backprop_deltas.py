"""Seed 001, Lectures 07-3a to 07-3c: the Δ_j of the 7-neuron network, checked numerically.

Inputs 1, 2; hidden layers {3, 4} and {5, 6}; output 7. Prints each Δ_j in
reverse topological order beside the slide's formula, then compares every
∂J/∂w_ij = Δ_j a_i with central finite differences (seed 004's gradient checking).
"""

import neurograph as ng

net = ng.Network.layered([2, 2, 2, 1], seed=7, epsilon=1.0)
x, y = [0.7, -1.3], [1.0]
net.forward(x)
loss = net.backward(y, loss="squared")

formulas = {7: "−2(y − a_7) g′(in_7)", 5: "Δ_7 w_5,7 g′(in_5)", 6: "Δ_7 w_6,7 g′(in_6)",
            3: "g′(in_3)(w_3,5 Δ_5 + w_3,6 Δ_6)", 4: "g′(in_4)(w_4,5 Δ_5 + w_4,6 Δ_6)"}
print(f"x = {tuple(x)}, y = {y[0]}, loss ℓ = (y − a_7)² = {loss:.6f}\n")
for j in reversed(net.topological_order()):
    if j in formulas:
        print(f"Δ_{j} = {formulas[j]:34} = {net.neuron(j).delta: .6f}")

print(f"\n∂J/∂w_5,7 = Δ_7 a_5 = {net.grad[5, 7]:.6f}")
print(f"∂J/∂w_1,3 = Δ_3 a_1 = {net.grad[1, 3]:.6f}")
check = ng.gradcheck(net, x, y, eps=1e-4)
print(f"\nFinite differences with ε = 1e-4 on all {len(net.w)} weights: "
      f"largest relative error {check.max_relative_error:.1e}")
