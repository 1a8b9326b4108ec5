"""UFLDL's sparse autoencoder (“Multi-level networks”, Lecture 25) on 8×8 natural image patches.

10,000 patches are cut at random from the two photographs that ship inside scikit-learn
(``load_sample_images``; nothing is downloaded), turned grey, and normalized as UFLDL does
(each patch's mean removed, clipped at ±3 standard deviations, scaled into [0.1, 0.9]).
A 64-25-64 logistic autoencoder learns to reproduce them, with J(θ) = (1/m) Σ ½‖h(x) − x‖²
+ (λ/2) Σ W² + β Σ_j KL(ρ ‖ ρ̂_j), ρ = 0.01, β = 3, λ = 10⁻⁴ (no decay on the biases).
As Lecture 25 says, the gradient is checked first (EPSILON = 10⁻⁴); then L-BFGS trains it, and
the same network is trained again without the sparsity term. The two pictures of “Multi-level
networks”, side by side: each hidden neuron's incoming weights, "with just weight
regularization" and "plus hidden layer sparsity constraint. Note the structure" — localized,
oriented edges.

``python examples/sparse_autoencoder.py --quick`` (as the tests run it) does the same on
2,000 patches with 100 L-BFGS iterations each, and checks the same things.
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_sample_images  # noqa: E402

import neurograph as ng  # noqa: E402

PATCHES, ITERATIONS = (2_000, 100) if "--quick" in sys.argv[1:] else (10_000, 400)
rng = np.random.default_rng(0)
images = [image.mean(axis=2) / 255.0 for image in load_sample_images().images]
patches = []
for _ in range(PATCHES):
    image = images[rng.integers(len(images))]
    r, c = rng.integers(image.shape[0] - 8), rng.integers(image.shape[1] - 8)
    patches.append(image[r:r + 8, c:c + 8].ravel())
X = np.array(patches)
X = X - X.mean(axis=1, keepdims=True)                 # UFLDL's normalization
limit = 3 * X.std()
X = (np.clip(X, -limit, limit) / limit + 1) * 0.4 + 0.1
print(f"{len(X):,} patches of 8×8 pixels, values in [{X.min():.1f}, {X.max():.1f}]")

lam, sparsity = 1e-4, (0.01, 3.0)
net = ng.Network.autoencoder(64, 25, seed=0)
check = ng.gradcheck(net, X[:10], X[:10], loss="half_squared", weight_decay=lam / 2,
                     decay_bias=False, sparsity=sparsity, eps=1e-4)
print(f"gradient check on 10 patches, all {len(check.numeric):,} entries of θ: largest "
      f"relative difference {check.max_relative_error:.1e}")
if check.max_relative_error > 1e-4:
    raise SystemExit("backpropagation and the numerical gradient disagree")

trained = {}
for name, penalty in (("weight decay only", None), ("plus sparsity", sparsity)):
    model = net.copy()
    history = model.fit(X, X, loss="half_squared", weight_decay=lam / 2, decay_bias=False,
                        sparsity=penalty, optimizer="lbfgs", epochs=ITERATIONS)
    trained[name] = model
    print(f"{name:18} J = {history.loss[-1]:.4f} after {history.epochs} L-BFGS iterations")


def structure(model):
    """How much each filter is an image rather than noise: the mean correlation between
    neighbouring weights (right and below), over the filters (about 0 for noise)."""
    values = []
    for j in model.hidden:
        w = np.array([model.w[i, j] for i in model.inputs]).reshape(8, 8)
        pairs = np.concatenate([np.stack([w[:, :-1].ravel(), w[:, 1:].ravel()]),
                                np.stack([w[:-1, :].ravel(), w[1:, :].ravel()])], axis=1)
        values.append(np.corrcoef(pairs)[0, 1])
    return float(np.mean(values))


scores = {name: structure(model) for name, model in trained.items()}
for name, score in scores.items():
    print(f"{name:18} neighbouring weights correlate {score:+.2f} on average")
if not scores["plus sparsity"] > scores["weight decay only"] + 0.2:
    raise SystemExit("the sparsity term should give the filters visible structure")

figure, axes = plt.subplots(1, 2, figsize=(9, 4.6))
for ax, (name, model) in zip(axes, trained.items()):
    ng.plot_filters(model, ax=ax, title=name)
figure.suptitle("“Multi-level networks”: an autoencoder's layer-1 weights on 8×8 image patches")
figure.savefig("sparse_autoencoder.png", dpi=110, bbox_inches="tight")
print("wrote sparse_autoencoder.png")
