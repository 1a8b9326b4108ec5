"""Lecture 23: a restricted Boltzmann machine "made to perform well for digit classification".

An RBM with the 64 pixels of the 8×8 digits as visible neurons and 100 hidden neurons learns
by CD-1 (mini-batches of 10, 20 epochs) from the training digits without their labels.
Logistic regression (scikit-learn) then classifies the held-out digits from the hidden
neurons' P(h_j = 1 | v), and, for comparison, from the raw pixels; scikit-learn's own
BernoulliRBM trained alike is scored the same way. The filters and samples from the Gibbs
chain are drawn.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import BernoulliRBM  # noqa: E402

import neurograph as ng  # noqa: E402

data = ng.datasets.digits(test_size=0.25, seed=0)       # pixels in [0, 1]
X, X_test, y, y_test = data.X_train, data.X_test, data.y_train, data.y_test

rbm = ng.RBM(64, 100, seed=0)
history = rbm.fit(X, lr=0.06, epochs=20, batch_size=10, k=1, seed=0)
print(f"CD-1, 20 epochs: pseudo-log-likelihood {-history.loss[0]:.2f} → {-history.loss[-1]:.2f}")
theirs = BernoulliRBM(n_components=100, learning_rate=0.06, batch_size=10, n_iter=20,
                      random_state=0).fit(X)

binary = (X > 0.5) * 1.0
mine, sklearns = rbm.pseudo_likelihood(binary), theirs.score_samples(binary).mean()
print(f"pseudo-log-likelihood of the binarized training digits: neurograph {mine:.2f}, "
      f"scikit-learn {sklearns:.2f}")
scores = {}
for name, train, test in (("raw pixels", X, X_test),
                          ("neurograph RBM features", rbm.transform(X), rbm.transform(X_test)),
                          ("scikit-learn RBM features", theirs.transform(X),
                           theirs.transform(X_test))):
    classifier = LogisticRegression(C=100, max_iter=5000).fit(train, y)
    scores[name] = classifier.score(test, y_test)
    print(f"logistic regression on {name:26} {scores[name]:.1%} of {len(y_test)} held out")
if scores["neurograph RBM features"] < 0.9:
    raise SystemExit("the RBM's features should classify most digits right")

samples = rbm.gibbs(X_test[:8], steps=1000, seed=0)
figure, axes = plt.subplots(1, 2, figsize=(10, 4.2))
ng.plot_filters(rbm, neurons=rbm.hidden[:49], ax=axes[0], title="49 of the 100 filters")
tiles = np.ones((2 * 9 + 1, 8 * 9 + 1))
for row, images in enumerate((X_test[:8], samples)):
    for k, image in enumerate(images):
        tiles[1 + row * 9:row * 9 + 9, 1 + k * 9:k * 9 + 9] = 1 - image.reshape(8, 8)
axes[1].imshow(tiles, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
axes[1].set_axis_off()
axes[1].set_title("held-out digits; Gibbs samples from them")
figure.savefig("rbm_digits.png", dpi=110, bbox_inches="tight")
print("wrote rbm_digits.png")
