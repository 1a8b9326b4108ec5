"""The maxout unit of “Multi-level networks”, max(w₁ᵀx + b₁, w₂ᵀx + b₂), where it helps: a
kinked target.

The target is y = |x₁ − x₂| + 0.5 x₁ on [−2, 2]², a convex function with a crease along
x₁ = x₂. One maxout unit — two linear neurons 3 and 4 under a "max" neuron 5 with no bias
edge and its two weights frozen at 1 — represents it exactly with 6 trained weights; a tanh
layer with 9 only approximates the crease. Both are trained by L-BFGS (Lecture 25) from the
same random start, and the maxout network is explained on one example and drawn.
"""

import numpy as np

import neurograph as ng

rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, size=(200, 2))
Y = np.abs(X[:, :1] - X[:, 1:]) + 0.5 * X[:, :1]

pieces = {(i, j): 0.1 * rng.normal() for j in (3, 4) for i in (0, 1, 2)}
maxout = ng.Network.from_weights({**pieces, (3, 5): 1.0, (4, 5): 1.0}, activation="identity",
                                 aggregations={5: "max"})
maxout.freeze(3, 5)
maxout.freeze(4, 5)
tanh = ng.Network.layered([2, 2, 1], activation="tanh", output_activation="identity", seed=0)

results = {}
for name, net in (("maxout (2 pieces)", maxout), ("tanh layer of 2", tanh)):
    history = net.fit(X, Y, loss="half_squared", optimizer="lbfgs", epochs=200)
    results[name] = history.loss[-1]
    print(f"{name:18} {len(net.theta())} trained weights   J = {history.loss[-1]:.2e} "
          f"after {history.epochs} L-BFGS iterations ({history.stopped})")
if not results["maxout (2 pieces)"] < 1e-6 < results["tanh layer of 2"]:
    raise SystemExit("maxout should fit the crease exactly and the tanh layer should not")

print()
print(maxout.explain([1.0, -0.5], y=[1.5 + 0.5], digits=3))
maxout.plot("maxout.png", title="A maxout unit: in_5 = max(a_3, a_4)")
print("wrote maxout.png")
