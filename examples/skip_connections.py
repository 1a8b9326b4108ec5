"""A non-layered network grown by hand: a skip edge, mixed activations, ids out of order.

Neuron 7 (tanh) feeds neuron 4 (relu); input 1 also skips straight to the
output 9 (logistic). Backprop visits the neurons in reverse topological order,
whatever their ids, and agrees with finite differences; a few SGD steps on one
example drive its loss down.
"""

import neurograph as ng

net = ng.Network()
for j in (1, 2):
    net.add_neuron(j, kind="input")
net.add_neuron(7, activation="tanh", bias=0.3)
net.add_neuron(4, activation="relu", bias=-0.2)
net.add_neuron(9, activation="logistic", kind="output", bias=0.1)
for i, j, w in [(1, 7, -1.1), (2, 7, 0.8), (7, 4, 1.4), (2, 4, 0.5), (4, 9, -0.9),
                (7, 9, 0.6), (1, 9, 1.2)]:
    net.connect(i, j, w)

print(net)
print("topological order:", net.topological_order())
x, y = [0.4, -0.3], [1.0]
check = ng.gradcheck(net, x, y, eps=1e-6)
print(f"backprop against finite differences: largest relative error "
      f"{check.max_relative_error:.1e}")
for step in range(5):
    loss = net.sgd_step(x, y, lr=1.0)
    print(f"step {step}: loss before the step {loss:.5f}")
