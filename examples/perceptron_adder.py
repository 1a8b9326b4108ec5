"""#L3 (after Nielsen, chapter 1): adding two bits with NAND perceptrons, wired by hand.

Each perceptron computes NAND with weights −2, −2 and bias 3 (output 1 when w·x + b > 0):
    n_3 = NAND(x_1, x_2)
    n_4 = NAND(x_1, n_3),  n_5 = NAND(x_2, n_3)
    sum   n_6 = NAND(n_4, n_5)          = x_1 XOR x_2
    carry n_7 = NAND(n_3, n_3)          = x_1 AND x_2  (n_3 feeds it twice: one edge, w = −4)
The network is not layered: n_3 feeds neurons at three depths. Every sum is checked against
x_1 + x_2, and then Rosenblatt's rule learns NAND itself from its truth table.
"""

import itertools
import sys

import neurograph as ng
from neurograph.teaching import lectures

adder = lectures.nand_adder()

print("x_1 x_2 | sum carry | x_1 + x_2")
for x1, x2 in itertools.product((0, 1), repeat=2):
    total, carry = adder.forward([x1, x2]).astype(int).tolist()
    print(f" {x1}   {x2}  |  {total}    {carry}   |  {x1 + x2}")
    if total + 2 * carry != x1 + x2:
        sys.exit(f"the adder got {x1} + {x2} wrong")
print("every sum right")

X, Y = ng.datasets.nand()
single = ng.Network.from_weights({(0, 3): 0.0, (1, 3): 0.0, (2, 3): 0.0}, activation="threshold")
history = single.fit(X, Y, lr=1.0, epochs=50, rule="perceptron")
print(f"the perceptron rule learns NAND in {history.epochs} epochs: w = {dict(single.w)}")
X, Y = ng.datasets.xor()
history = single.fit(X, Y, lr=1.0, epochs=50, rule="perceptron")
print(f"XOR: {history.epochs} epochs, still {history.mistakes[-1]} mistakes in the last one "
      f"(stopped: {history.stopped}) — not linearly separable")
adder.plot("nand_adder.png", pos=lectures.nand_adder_layout(adder),
           title="Two bits added with NAND perceptrons (#L3)")
print("wrote nand_adder.png")
