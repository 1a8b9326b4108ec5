"""Lecture 07-2b: hidden layers overcome the XOR problem.

A single-layer network (inputs straight to one logistic output) cannot
separate XOR; a 2-2-1 network learns it with NEURALNETTRAIN (SGD, one update
per example in a fresh random order each epoch).
"""

import neurograph as ng

X, Y = ng.datasets.xor()

single = ng.Network.layered([2, 1], seed=0)
single.fit(X, Y, lr=2.0, epochs=2000, seed=0)
print("No hidden layer (2-1):   ", single.classify(X).tolist(), "— cannot be right on all four")

net = ng.Network.layered([2, 2, 1], seed=0)
history = net.fit(X, Y, lr=2.0, epochs=2000, seed=0)
print("One hidden layer (2-2-1):", net.classify(X).tolist(), "— the truth table is [0, 1, 1, 0]")
print(f"J(w) after epoch 1: {history.loss[0]:.4f}; after epoch {history.epochs}: "
      f"{history.loss[-1]:.4f}\n")

print(" x1  x2 | a_3    a_4    | h(x) = a_5")
for x, y in zip(X, Y):
    out = net.forward(x)[0]
    print(f"{x[0]:3.0f} {x[1]:3.0f} | {net.neuron(3).a:.3f}  {net.neuron(4).a:.3f}  | "
          f"{out:.3f}  (y = {y[0]:.0f})")
print("\nThe hidden neurons make new features (about OR and NAND, or AND and NOR) that a single"
      "\noutput neuron can separate: feature engineering done automatically.")
