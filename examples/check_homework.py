"""Checking a student's hand calculation on Lecture 07-2c's network, forward and backward.

The student worked x = (3, 4), y = 1, α = 0.5 by hand to two decimal places,
carrying rounded values (carry_rounded=True), made one slip in Δ_3, and for
w_3,5 wrote the value exact intermediates give — which is right too, and said so.
check_answers says which values are off, what they should be, and the step each
comes from, written so that it adds up as shown.
"""

import neurograph as ng

net = ng.Network.from_weights(
    {(0, 3): 5, (1, 3): 1, (2, 3): -2, (0, 4): 3, (1, 4): -4, (2, 4): 2,
     (0, 5): -1, (3, 5): 4, (4, 5): 2})
homework = {"in_3": 0, "a_3": 0.5, "in_4": -1, "a_4": 0.27, "in_5": 1.54, "a_5": 0.82,
            "Δ_5": -0.05, "Δ_3": -0.03, "w_3,5": 4.01}
report = ng.check_answers(net, [3, 4], [1], homework, lr=0.5, digits=2, carry_rounded=True)
print(report)
