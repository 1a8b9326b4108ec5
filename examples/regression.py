"""Lecture 07-4c: regression — remove g from the output neuron, a_j = in_j.

A 1-8-1 network (tanh hidden neurons, an identity output neuron) learns
y = sin(πx) on [−1, 1] from 40 noisy examples (noise σ = 0.05, so the best
achievable mean squared error is about 0.0025), with mini-batches of 4.
"""

import numpy as np

import neurograph as ng

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(40, 1))
Y = np.sin(np.pi * X) + rng.normal(0, 0.05, size=X.shape)

net = ng.Network.layered([1, 8, 1], activation="tanh", output_activation="identity",
                         init="glorot", seed=0)
history = net.fit(X, Y, lr=0.1, epochs=2000, batch_size=4, seed=0)
print(f"output neuron {net.outputs[0]}: g = {net.neuron(net.outputs[0]).activation.name}")
print(f"J(w) = mean squared error: {history.loss[0]:.4f} after epoch 1, "
      f"{history.loss[-1]:.4f} after epoch {history.epochs}")
print("\n   x     sin(πx)   h(x)")
for x in np.linspace(-1, 1, 9):
    print(f"{x:5.2f}   {np.sin(np.pi * x):6.3f}   {net.predict([[x]])[0, 0]:6.3f}")
