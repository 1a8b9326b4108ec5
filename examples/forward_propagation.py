"""Seed 001, Lecture 07-2c: forward propagation for x = (3, 4) with the logistic activation.

Prints every neuron's in_j and a_j in the order forward propagation visits them,
as the slide computes them, and the prediction h(x) = a_5 ≈ 0.82.
"""

import neurograph as ng

net = ng.Network.from_weights(
    {(0, 3): 5, (1, 3): 1, (2, 3): -2,
     (0, 4): 3, (1, 4): -4, (2, 4): 2,
     (0, 5): -1, (3, 5): 4, (4, 5): 2},
    activation="logistic",
)
x = [3, 4]
h = net.forward(x)

print(f"Forward propagation of x = {tuple(x)} through {net}\n")
for j in net.topological_order():
    n = net.neuron(j)
    if n.kind == "bias":
        print("a_0 = 1  (bias neuron)")
    elif n.kind == "input":
        print(f"a_{j} = x_{net.inputs.index(j) + 1} = {n.a:g}")
    else:
        terms = " + ".join(f"({net.w[i, j]:g})({net.neuron(i).a:.4g})"
                           for i in sorted(net.graph.predecessors(j)))
        print(f"in_{j} = Σ w_i,{j} a_i = {terms} = {n.in_:.4f}")
        print(f"a_{j} = σ(in_{j}) = {n.a:.4f}")
print(f"\nh(x) = a_5 = {h[0]:.4f}  (the slide: ≈ 0.82)")
