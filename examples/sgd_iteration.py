"""Seed 001, Lecture 07-2a: one SGD iteration on a single logistic neuron.

w_0,3 = w_1,3 = w_2,3 = 0.1, example x = (0.4, 0.5), y = 1, α = 0.5, squared loss.
The slide shows 0.2122, 0.1449, 0.1561 and then g(in_3) ≈ 0.5862; exactly,
w_0,3 becomes 0.2121454 (0.2121): the slide's 0.2122 comes from multiplying its
rounded intermediates 0.4526 × 0.2478.
"""

import neurograph as ng

net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
x, y, lr = [0.4, 0.5], [1], 0.5

a_before = net.forward(x)[0]
net.backward(y)
n3 = net.neuron(3)
print(f"in_3 = {n3.in_:.4f},  g(in_3) = {n3.a:.4f},  y − g(in_3) = {1 - n3.a:.4f},  "
      f"g′(in_3) = {n3.activation.dg(n3.in_):.4f}")
print(f"Δ_3 = −2(y − a_3) g′(in_3) = {n3.delta:.6f}")

loss = net.sgd_step(x, y, lr=lr)
print(f"\nAfter w_i3 ← w_i3 − α Δ_3 a_i  (loss before the step: {loss:.4f}):")
for i in (0, 1, 2):
    print(f"  w_{i},3 = {net.w[i, 3]:.6f}  ≈ {net.w[i, 3]:.4f}")
a_after = net.forward(x)[0]
print(f"\ng(in_3): {a_before:.4f} before, {a_after:.4f} after — the error shrinks")
