"""Lecture 07-4a: the problem with equal weights, and how random ones break it.

With every initial weight equal, neurons 3 and 4 see the same inputs, produce the
same outputs and get the same Δ, so every update keeps w_{i,3} = w_{i,4} and
w_{3,5} = w_{4,5}: the hidden layer acts as one neuron and cannot learn XOR.
RAND(−ε, ε) initial weights break the symmetry.
"""

import neurograph as ng

X, Y = ng.datasets.xor()

for init in ("constant", "uniform"):  # every weight 0, as on the slide; or RAND(−0.5, 0.5)
    net = ng.Network.layered([2, 2, 1], init=init, epsilon=0.5, seed=0)
    history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
    same = all(net.w[i, 3] == net.w[i, 4] for i in (0, 1, 2)) and net.w[3, 5] == net.w[4, 5]
    print(f"{init} initial weights:")
    print(f"  w_0,3 w_1,3 w_2,3 = {net.w[0, 3]: .4f} {net.w[1, 3]: .4f} {net.w[2, 3]: .4f}")
    print(f"  w_0,4 w_1,4 w_2,4 = {net.w[0, 4]: .4f} {net.w[1, 4]: .4f} {net.w[2, 4]: .4f}")
    print(f"  w_3,5 = {net.w[3, 5]:.4f}, w_4,5 = {net.w[4, 5]:.4f}")
    print(f"  neurons 3 and 4 still identical after 2000 epochs: {same}")
    print(f"  XOR predictions {net.classify(X).tolist()}, J(w) = {history.loss[-1]:.4f}\n")
