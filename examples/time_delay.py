"""A time-delay network (Lang, Waibel and Hinton 1990; #L3's "time delay neural networks"):
a tapped delay line gives each hidden neuron a window of the recent past.

The task: y(t) = x(t − 1) XOR x(t − 2) on a random bit stream. A network that sees only x(t)
cannot do better than chance. Here the input feeds two tap neurons (identity, frozen weight 1)
through delay edges of 1 and 2 steps, so the hidden neurons see x(t − 1) and x(t − 2) at
once — one edge per pair of neurons, so each delay has its tap — and the network learns XOR.
"""

import numpy as np

import neurograph as ng


def bits(n, T, rng):
    X = rng.integers(0, 2, (n, T, 1)).astype(float)
    Y = np.full_like(X, np.nan)  # no target before x(t − 2) exists
    Y[:, 2:, 0] = np.logical_xor(X[:, 1:-1, 0], X[:, :-2, 0])
    return X, Y


rng = np.random.default_rng(0)
X, Y = bits(60, 12, rng)
X_test, Y_test = bits(50, 12, rng)

# neuron 1: x(t); taps 2 and 3: x(t − 1), x(t − 2); hidden 4 … 7 (tanh); output 8 (logistic)
taps = {2: 1, 3: 2}
hidden = [4, 5, 6, 7]
weights = {(1, tap): 1.0 for tap in taps}
weights.update({(i, j): 0.0 for i in (0, 2, 3) for j in hidden})
weights.update({(j, 8): 0.0 for j in [0, *hidden]})
net = ng.Network.from_weights(weights, activation="tanh", delays={(1, 2): 1, (1, 3): 2},
                              activations={2: "identity", 3: "identity", 8: "logistic"},
                              inputs=[1], outputs=[8])
for tap in taps:
    net.freeze(1, tap)
net.initialize("uniform", seed=1, epsilon=1.0)
print("delay edges:", net.delays)
net.fit(X, Y, loss="log", optimizer="adam", lr=0.1, epochs=60, batch_size=20, seed=0)

P = net.predict(X_test)[:, 2:, 0]
accuracy = float(np.mean((P >= 0.5) == (Y_test[:, 2:, 0] == 1)))
print(f"held-out accuracy of y(t) = x(t − 1) XOR x(t − 2): {accuracy:.3f}")
assert accuracy > 0.99, accuracy
feedforward = ng.Network.layered([1, 4, 1], activation="tanh", output_activation="logistic")
feedforward.fit(X, Y, loss="log", optimizer="adam", lr=0.05, epochs=10, batch_size=20, seed=0)
chance = float(np.mean((feedforward.predict(X_test)[:, 2:, 0] >= 0.5) == (Y_test[:, 2:, 0] == 1)))
print(f"the same task for a network that sees only x(t): {chance:.3f} (chance: 0.5)")
assert chance < 0.65
