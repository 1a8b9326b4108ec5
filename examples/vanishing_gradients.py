"""Lecture 07-3d: the vanishing gradient problem in the 5-neuron chain 1 → 2 → 3 → 4 → 5.

Δ_2 = [g′(in_2) w_2,3][g′(in_3) w_3,4][g′(in_4) w_4,5][g′(in_5)(−2(y − a_5))]

With the logistic g every g′ ≤ 0.25, so |Δ_j| shrinks at every step back from the
output; with ReLU and positive in_j every g′ is 1 and Δ_j does not shrink.
"""

import neurograph as ng

weights = {(1, 2): 1.2, (2, 3): 0.9, (3, 4): 1.1, (4, 5): 0.8}
weights.update({(0, j): 0.1 for j in range(2, 6)})
x, y = [0.5], [0.0]

print(f"{'':10}" + "".join(f"{'|Δ_' + str(j) + '|':>12}" for j in (5, 4, 3, 2)) + "   |Δ_2|/|Δ_5|")
for g in ("logistic", "relu"):
    net = ng.Network.from_weights(weights, activation=g)
    net.forward(x)
    net.backward(y)
    deltas = [abs(net.neuron(j).delta) for j in (5, 4, 3, 2)]
    print(f"{g:10}" + "".join(f"{d:12.3e}" for d in deltas) + f"   {deltas[3] / deltas[0]:.3g}")
print("\nDepth grows to the right: each step back multiplies by g′(in_j) w_j,j+1.")
