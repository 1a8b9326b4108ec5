"""Lecture 07-2a: one SGD iteration on a single logistic neuron.

w_0,3 = w_1,3 = w_2,3 = 0.1, x = (0.4, 0.5), y = 1, α = 0.5, squared loss.
Carrying rounded values as the slide does gives its 0.2122, 0.1449 and 0.1561;
exactly, w_0,3 becomes 0.2121454 (0.2121): the slide's last digit comes from
multiplying its rounded intermediates 0.4526 × 0.2478.
"""

import neurograph as ng

net = ng.Network.from_weights({(0, 3): 0.1, (1, 3): 0.1, (2, 3): 0.1})
x, y, lr = [0.4, 0.5], [1], 0.5

print(net.explain(x, y, lr=lr, carry_rounded=True))
print()
print(net.explain(x, y, lr=lr).edge_table())
print()
loss = net.sgd_step(x, y, lr=lr)
print(f"After the step (loss before it: {loss:.4f}): g(in_3) = {net.forward(x)[0]:.4f} — "
      f"the slide's 0.5862; the error shrinks")
