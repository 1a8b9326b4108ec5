"""Elman's temporal XOR (1990, "Finding structure in time"): a recurrent network reads a
stream of bits made of triples (a, b, a XOR b) and predicts the next bit. Only every third
bit can be predicted; after training the error drops there, and stays at chance elsewhere.

An Elman network (Network.elman: delay-1 edges among the hidden neurons) trained by BPTT.
Elman's own network had 2 hidden units and learned from one step back; here 4 hidden units
and full BPTT over sequences of 10 triples. Writes temporal_xor.png (the error at each place
of the triple, over training) and temporal_xor_network.png (the network, its delay edges
dotted).

    python examples/temporal_xor.py --quick     # 100 sequences, 30 epochs: the same checks
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402

quick = "--quick" in sys.argv
rng = np.random.default_rng(0)


def stream(n, triples):
    """n sequences of `triples` triples (a, b, a XOR b), and the next bit as each target (the
    last step has none: NaN)."""
    a, b = rng.integers(0, 2, (2, n, triples))
    bits = np.stack([a, b, a ^ b], axis=2).reshape(n, 3 * triples).astype(float)
    X = bits[:, :, None]
    Y = np.full_like(X, np.nan)
    Y[:, :-1, 0] = bits[:, 1:]
    return X, Y


def error_by_place(net, X, Y):
    """The mean squared error of the prediction of the 1st, 2nd and 3rd bit of a triple."""
    P = net.predict(X)
    errors = (P - Y)[:, :, 0] ** 2
    # the prediction made at step t is of bit t + 1: place (t + 1) mod 3
    return [float(np.nanmean(errors[:, (place - 1) % 3::3])) for place in range(3)]


X, Y = stream(100 if quick else 200, 10)
X_test, Y_test = stream(100, 10)
net = ng.Network.elman([1, 4, 1], activation="tanh", output_activation="logistic", seed=1)
epochs, rounds = (10, 3) if quick else (20, 10)
curve = [error_by_place(net, X_test, Y_test)]
for _ in range(rounds):
    net.fit(X, Y, loss="log", optimizer="adam", lr=0.02, epochs=epochs, batch_size=20, seed=0)
    curve.append(error_by_place(net, X_test, Y_test))
first, second, third = curve[-1]
print(f"after {epochs * rounds} epochs, squared error predicting the triple's")
print(f"  1st bit (random): {first:.3f}")
print(f"  2nd bit (random): {second:.3f}")
print(f"  3rd bit (a XOR b): {third:.3f}")
assert third < 0.1 < 0.2 < min(first, second), curve[-1]  # chance: 0.25
print("the error drops on every third bit, as in Elman (1990)")

figure, ax = plt.subplots(figsize=(6, 3.5))
epochs_axis = [k * epochs for k in range(rounds + 1)]
for place, name in enumerate(["1st bit (random)", "2nd bit (random)", "3rd bit = 1st XOR 2nd"]):
    ax.plot(epochs_axis, [row[place] for row in curve], marker="o", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("squared error of the prediction")
ax.set_title("Temporal XOR (Elman 1990): the 3rd bit becomes predictable")
ax.legend()
figure.tight_layout()
figure.savefig("temporal_xor.png", dpi=100)
print("wrote temporal_xor.png")
figure, ax = plt.subplots(figsize=(6, 4))
ng.plot_network(ng.Network.elman([1, 2, 1], seed=0), ax=ax)
figure.savefig("temporal_xor_network.png", dpi=100)
print("wrote temporal_xor_network.png")
