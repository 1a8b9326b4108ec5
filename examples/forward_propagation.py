"""Lecture 07-2c: forward propagation for x = (3, 4) with the logistic activation.

First as the slide works it — every value rounded to two places and carried on,
so a_4 ≈ 0.27 gives in_5 = 1.54 and h(x) = a_5 ≈ 0.82 — then exactly.
"""

import neurograph as ng

net = ng.Network.from_weights(
    {(0, 3): 5, (1, 3): 1, (2, 3): -2,
     (0, 4): 3, (1, 4): -4, (2, 4): 2,
     (0, 5): -1, (3, 5): 4, (4, 5): 2},
    activation="logistic",
)
print(net.explain([3, 4], digits=2, carry_rounded=True))
print()
print(net.explain([3, 4], digits=4))
