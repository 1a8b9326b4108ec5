"""Lecture 25: "a function that returns the cost and grad", gradient checking with
EPSILON = 10⁻⁴, and L-BFGS against plain gradient descent.

The network is the digits autoencoder 64-25-64 (logistic neurons, J(θ) = (1/m) Σ ½‖h − x‖²
+ (λ/2) Σ W², no decay on the biases, λ = 10⁻⁴). First θ, J(θ) and ∇J(θ) are checked entry by
entry on a few weights, as the seed does; then scipy.optimize.minimize runs on
``net.cost_and_grad`` directly, and ``fit(optimizer=…)`` compares L-BFGS, conjugate
gradient and gradient descent on the same budget of 100 iterations.
"""

import time

import numpy as np
import scipy.optimize
from sklearn.datasets import load_digits

import neurograph as ng

X = load_digits().data[:500] / 16.0
lam = 1e-4
net = ng.Network.layered([64, 25, 64], seed=0, init="glorot")
theta = net.theta()
print(f"θ has {len(theta)} entries: {net.theta_edges()[:3]} …")

J, grad = net.cost_and_grad(theta, X, X, loss="half_squared", weight_decay=lam / 2,
                            decay_bias=False)
EPSILON = 1e-4
print(f"J(θ) = {J:.6f}; gradient checking (EPSILON = {EPSILON}):")
for i in np.random.default_rng(0).choice(len(theta), 5, replace=False):
    e_i = np.zeros_like(theta)
    e_i[i] = 1.0
    plus = net.cost_and_grad(theta + EPSILON * e_i, X, X, loss="half_squared",
                             weight_decay=lam / 2, decay_bias=False)[0]
    minus = net.cost_and_grad(theta - EPSILON * e_i, X, X, loss="half_squared",
                              weight_decay=lam / 2, decay_bias=False)[0]
    numeric = (plus - minus) / (2 * EPSILON)
    print(f"   θ_{i:<4} {str(net.theta_edges()[i]):10} g = {grad[i]:+.8f}   "
          f"(J(θ+ε) − J(θ−ε))/2ε = {numeric:+.8f}")
    if abs(numeric - grad[i]) > 1e-4 * max(abs(grad[i]), 1e-6):
        raise SystemExit("backpropagation and the numerical estimate disagree")

result = scipy.optimize.minimize(net.cost_and_grad, theta, args=(X, X, "half_squared", lam / 2,
                                                                  False),
                                 jac=True, method="L-BFGS-B", options={"maxiter": 100})
print(f"\nscipy.optimize.minimize(net.cost_and_grad, …, method='L-BFGS-B'): J = {result.fun:.5f} "
      f"after {result.nit} iterations")

print("\nfit(optimizer=…), 100 iterations or full-batch epochs from the same θ:")
costs = {}
for optimizer, lr in (("sgd", 5.0), ("momentum", 1.0), ("adam", 0.01), ("cg", None),
                      ("lbfgs", None)):
    model = net.copy()
    start = time.perf_counter()
    history = model.fit(X, X, loss="half_squared", weight_decay=lam / 2, decay_bias=False,
                        optimizer=optimizer, lr=lr or 1.0, epochs=100, batch_size=None)
    costs[optimizer] = history.loss[-1]
    print(f"   {optimizer:9} J = {history.loss[-1]:.5f}   ({time.perf_counter() - start:.2f} s)")
if not costs["lbfgs"] < costs["sgd"]:
    raise SystemExit("L-BFGS should get further than gradient descent on the same budget")
