"""Self-taught learning (UFLDL, after “Multi-level networks” and Lecture 25): features from
unlabeled digits help a classifier that has few labels.

A sparse autoencoder 64-100-64 (ρ = 0.1, β = 3, λ = 10⁻⁴) learns from all 1,347 training
digits without their labels. Then only 100 labelled digits train two softmax classifiers
(64 → 10 on raw pixels, and 100 → 10 on the autoencoder's hidden activations a_j), and both
are scored on the 450 held-out digits.

``python examples/self_taught.py --quick`` (as the tests run it) gives the autoencoder and the
classifiers 100 L-BFGS iterations instead of 300, and checks the same thing.
"""

import sys

import numpy as np

import neurograph as ng

ITERATIONS = 100 if "--quick" in sys.argv[1:] else 300
data = ng.datasets.digits(test_size=0.25, seed=0)   # pixels in [0, 1], as a logistic output's
X_train, X_test = data.X_train, data.X_test

autoencoder = ng.Network.autoencoder(64, 100, seed=0)
history = autoencoder.fit(X_train, X_train, loss="half_squared", weight_decay=1e-4 / 2,
                          decay_bias=False, sparsity=(0.1, 3.0), optimizer="lbfgs",
                          epochs=ITERATIONS)
print(f"autoencoder: J = {history.loss[-1]:.4f} after {history.epochs} L-BFGS iterations")


def features(X):
    """The hidden neurons' a_j for each example: the autoencoder's first layer."""
    encoder = ng.Network.from_weights(
        {(i, j): autoencoder.w[i, j] for j in autoencoder.hidden
         for i in [0, *autoencoder.inputs]}, inputs=autoencoder.inputs,
        outputs=autoencoder.hidden)
    return encoder.predict(X)


labelled = np.arange(100)
results = {}
for name, train, test in (("raw pixels", X_train, X_test),
                          ("autoencoder features", features(X_train), features(X_test))):
    classifier = ng.Network.layered([train.shape[1], 10], output_activation="softmax", seed=0)
    classifier.fit(train[labelled], ng.one_hot(data.y_train[labelled], 10),
                   loss="cross_entropy", weight_decay=1e-4, optimizer="lbfgs", epochs=ITERATIONS)
    results[name] = np.mean(classifier.classify(test) == data.y_test)
    print(f"{name:21} softmax on 100 labelled digits: {results[name]:.1%} of 450 held out")
if not results["autoencoder features"] > results["raw pixels"]:
    raise SystemExit("the learned features should beat raw pixels with so few labels")
