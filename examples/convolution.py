"""The convolution of “Multi-level networks”, at neuron level: "tie weights so that the linear
part implements convolution" — three 3×3 filters slid over the 8×8 digits, then 2×2 max pooling.

Inputs 1–64 are the pixels, row by row. For each filter f, feature neuron (f, r, c) of a
6×6 map takes the 3×3 pixels under it; its 9 weights are tied to the same 9 weights at every
other position (9 tied groups of 36 edges), and its bias to the filter's one bias. Each
2×2 block of a map feeds a "max" neuron (weights frozen at 1, no bias): a 3×3 pooled map.
The 27 pooled neurons feed 10 softmax outputs. Trained by Adam on mini-batches; the filters
are printed, and the whole network drawn.
"""

import itertools

import numpy as np

import neurograph as ng

FILTERS, SIDE, K = 3, 8, 3
MAP = SIDE - K + 1                       # 6 × 6 positions for a 3 × 3 filter
POOLED = MAP // 2                        # 3 × 3 after 2 × 2 max pooling

rng = np.random.default_rng(0)
net = ng.Network()
for pixel in range(1, SIDE * SIDE + 1):
    net.add_neuron(pixel, kind="input")
feature, pooled, next_id = {}, {}, SIDE * SIDE + 1
for f, r, c in itertools.product(range(FILTERS), range(MAP), range(MAP)):
    feature[f, r, c] = next_id
    net.add_neuron(next_id, activation="relu", bias=0.0)
    for dr, dc in itertools.product(range(K), range(K)):
        net.connect(1 + (r + dr) * SIDE + (c + dc), next_id, 0.0)
    next_id += 1
for f, r, c in itertools.product(range(FILTERS), range(POOLED), range(POOLED)):
    pooled[f, r, c] = next_id
    net.add_neuron(next_id, activation="identity", bias=False, aggregation="max")
    for dr, dc in itertools.product(range(2), range(2)):
        net.connect(feature[f, 2 * r + dr, 2 * c + dc], next_id, 1.0)
        net.freeze(feature[f, 2 * r + dr, 2 * c + dc], next_id)
    next_id += 1
outputs = list(range(next_id, next_id + 10))
for k in outputs:
    net.add_neuron(k, kind="output", activation="softmax", bias=0.0)
    for j in pooled.values():
        net.connect(j, k, 0.1 * rng.normal())

# the ties: one weight per filter entry (and per filter bias), shared by all 36 positions
for f in range(FILTERS):
    for dr, dc in itertools.product(range(K), range(K)):
        net.w[1 + dr * SIDE + dc, feature[f, 0, 0]] = 0.3 * rng.normal()
        net.tie([(1 + (r + dr) * SIDE + (c + dc), feature[f, r, c])
                 for r, c in itertools.product(range(MAP), range(MAP))])
    net.tie([(0, feature[f, r, c]) for r, c in itertools.product(range(MAP), range(MAP))])
print(f"{net.summary()}; {len(net.ties)} tied groups; {len(net.theta())} trained parameters")

data = ng.datasets.digits(test_size=0.25, seed=0)
history = net.fit(data.X_train, ng.one_hot(data.y_train, 10), loss="cross_entropy",
                  optimizer="adam", lr=0.02, epochs=8, batch_size=20, seed=0)
accuracy = np.mean(net.classify(data.X_test) == data.y_test)
print(f"after {history.epochs} epochs: J = {history.loss[-1]:.3f}, {accuracy:.1%} of the "
      f"{len(data.y_test)} held-out digits right")
if accuracy < 0.8:
    raise SystemExit("three tied 3×3 filters should get most digits right")

for f in range(FILTERS):
    kernel = np.array([[net.w[1 + dr * SIDE + dc, feature[f, 0, 0]] for dc in range(K)]
                       for dr in range(K)])
    print(f"filter {f + 1} (bias {net.w[0, feature[f, 0, 0]]:+.2f}):")
    print("\n".join("   " + " ".join(f"{v:+.2f}" for v in row) for row in kernel))
net.plot("convolution.png", weights=False, title="Three tied 3×3 filters, max pooling, softmax")
print("wrote convolution.png")
