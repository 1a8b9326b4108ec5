r"""How an update turns a gradient into a step: Lecture 25's "Improvements to Gradient Descent".

Every optimizer here works on θ (``net.theta()``) and the mini-batch gradient
g = (1/|B|) Σ_e ∂ℓ_e/∂θ + 2λθ (the decayed entries):

- ``"sgd"``: θ ← θ − α g (Lecture 07's update; :func:`fit`'s default);
- ``"momentum"``: v ← μ v + g, θ ← θ − α v (μ = 0.9; the heavy ball, as PyTorch writes it);
- ``"adam"``: m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², θ ← θ − α m̂ / (√v̂ + ε) with the
  bias-corrected m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸);
- ``"lbfgs"`` and ``"cg"``: Lecture 25's "L-BFGS; Conjugate Gradient" — scipy.optimize.minimize on
  the full-batch J(θ) (``Network.cost_and_grad``), one history entry per iteration; they
  choose their own step lengths, so ``lr`` is not used. They need scipy
  (``pip install "neurograph[scipy]"``).

>>> import numpy as np
>>> from neurograph.training.optimizers import make_optimizer
>>> adam = make_optimizer("adam")
>>> adam.step(np.array([1.0]), np.array([0.5]), lr=0.1)   # the first step is α · sign(g)
array([0.9])
"""

import functools
import os
from contextlib import contextmanager

import numpy as np

from ..errors import NetworkError, describe

__all__ = ["OPTIMIZERS", "SCIPY_METHODS", "make_optimizer", "check_optimizer",
           "scipy_minimize", "one_scipy_blas_thread", "Momentum", "Adam", "SGD"]

OPTIMIZERS = ("sgd", "momentum", "adam", "lbfgs", "cg")
SCIPY_METHODS = {"lbfgs": "L-BFGS-B", "cg": "CG"}


class SGD:
    """θ ← θ − α g."""

    def step(self, theta, grad, lr):
        return theta - lr * grad


class Momentum:
    """v ← μ v + g; θ ← θ − α v."""

    def __init__(self, mu=0.9):
        self.mu, self.v = mu, None

    def step(self, theta, grad, lr):
        self.v = grad.copy() if self.v is None else self.mu * self.v + grad
        return theta - lr * self.v


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction."""

    def __init__(self, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = self.v = None
        self.t = 0

    def step(self, theta, grad, lr):
        if self.m is None:
            self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        self.t += 1
        self.m = self.beta1 * self.m + (1.0 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1.0 - self.beta2) * grad * grad
        m_hat = self.m / (1.0 - self.beta1 ** self.t)
        v_hat = self.v / (1.0 - self.beta2 ** self.t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + self.eps)


def check_optimizer(name):
    """`name` if it is one of :data:`OPTIMIZERS`, else a NetworkError."""
    if isinstance(name, str) and name in OPTIMIZERS:
        return name
    raise NetworkError(f"unknown optimizer {describe(name)}; expected one of: "
                       f"{', '.join(map(repr, OPTIMIZERS))}")


def make_optimizer(name):
    """A fresh stepping optimizer (with its own state) for one run of ``fit``."""
    return {"sgd": SGD, "momentum": Momentum, "adam": Adam}[check_optimizer(name)]()


@contextmanager
def one_scipy_blas_thread():
    """Run scipy's own BLAS (the one wheels bundle apart from numpy's) on one thread.

    L-BFGS-B and CG do only vector work in it between our cost calls, but its idle threads
    keep spinning and take the cores numpy's BLAS needs: on a 2-core machine this made each
    iteration of the digits autoencoder 3.4× slower (scripts/bench.py, section 6). Needs
    threadpoolctl (in the scipy extra); without it nothing changes.
    """
    chosen = _scipy_blas()
    before = [lib.num_threads for lib in chosen]
    for lib in chosen:
        lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, threads in zip(chosen, before):
            lib.set_num_threads(threads)


@functools.cache
def _scipy_blas():
    """threadpoolctl's controllers of the BLAS libraries scipy's wheels bundle, found once
    (finding them reads the process's memory map: a millisecond, which a short L-BFGS run
    on a small network would pay at every fit)."""
    try:
        import scipy
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return ()
    root = os.path.dirname(scipy.__file__)  # …/scipy, and the wheels' …/scipy.libs
    return tuple(lib for lib in ThreadpoolController().select(user_api="blas").lib_controllers
                 if lib.filepath and lib.filepath.startswith(root))


def scipy_minimize():
    """scipy.optimize.minimize, or an ImportError that says how to install it."""
    try:
        from scipy.optimize import minimize
    except ImportError:
        raise ImportError('optimizer="lbfgs" and "cg" need scipy: '
                          'pip install "neurograph[scipy]"') from None
    return minimize
