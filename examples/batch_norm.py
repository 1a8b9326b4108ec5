"""Lecture 07-5b's "Black Box Magic": batch normalization of the hidden layer on the 8×8 digits.

Two 64-30-10 networks (logistic hidden neurons, softmax outputs, cross-entropy) start from
the same weights and train with the same mini-batches of 10; in one, every hidden neuron's
output is normalized over the batch, â_j = γ_j (a_j − μ_B)/√(ε + σ_B²) + β_j, with γ_j and
β_j learned. The held-out accuracy after each epoch is printed; then one hidden neuron's
normalization is explained with its running statistics, and the network is saved and read
back with them.
"""

import os
import tempfile

import numpy as np

import neurograph as ng

data = ng.datasets.digits(test_size=0.25, seed=0)
X, Y = data.X_train, ng.one_hot(data.y_train, 10)
plain = ng.Network.layered([64, 30, 10], output_activation="softmax", seed=0)
normalized = plain.copy()
for j in normalized.hidden:
    normalized.add_batch_norm(j)

print("epoch   plain   batch norm   (held-out accuracy)")
reached = {}  # the first epoch with 90% of the held-out digits right
for epoch in range(1, 6):
    for name, net in (("plain", plain), ("batch norm", normalized)):
        net.fit(X, Y, loss="cross_entropy", lr=0.5, epochs=1, batch_size=10, seed=epoch)
        score = np.mean(net.classify(data.X_test) == data.y_test)
        if score >= 0.9:
            reached.setdefault(name, epoch)
        print(f"{epoch:5}   {score:.1%}" if name == "plain" else f"   {score:.1%}",
              end="\n" if name != "plain" else "")
print(f"90% first reached in epoch {reached.get('plain', '—')} without and "
      f"{reached.get('batch norm', '—')} with batch normalization")
if not reached.get("batch norm", 99) <= reached.get("plain", 99):
    raise SystemExit("batch normalization should reach 90% at least as soon here")

j = normalized.hidden[0]
norm = normalized.neuron(j).norm
print(f"\nneuron {j}: γ = {norm.gamma:.3f}, β = {norm.beta:.3f}, running μ = "
      f"{norm.running_mean:.3f}, running σ² = {norm.running_var:.4f}")
steps = normalized.explain(data.X_test[0], digits=3)
print(next(step.text(3) for step in steps.steps if step.name == f"â_{j}"))

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "digits_bn.json")
    normalized.save(path)
    again = ng.load(path)
    assert again.predict(data.X_test).tolist() == normalized.predict(data.X_test).tolist()
    print(f"saved and loaded: the same predictions for all {len(data.X_test)} test digits")
