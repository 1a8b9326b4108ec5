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
import numbers
import os
from contextlib import contextmanager

import numpy as np

from .. import checks
from ..engines.reference import descend
from ..errors import NetworkError, describe

__all__ = ["OPTIMIZERS", "SCIPY_METHODS", "FULL_BATCH", "make_optimizer", "check_optimizer",
           "scipy_minimize", "scipy_options", "one_scipy_blas_thread", "Momentum", "Adam", "SGD",
           "Rprop"]

SCIPY_METHODS = {"lbfgs": "L-BFGS-B", "cg": "CG", "bfgs": "BFGS", "tnc": "TNC"}
"""The optimizers scipy runs, and scipy's name for each."""

SCIPY_DEFAULTS = {"L-BFGS-B": {"ftol": 1e-13, "gtol": 1e-9}, "TNC": {"ftol": 1e-13, "gtol": 1e-9},
                  "CG": {"gtol": 1e-9}, "BFGS": {"gtol": 1e-9}}
"""The tolerances fit gives scipy unless told otherwise, on J(θ)/J(θ₀)."""

SCIPY_LIMIT_STATUS = {"L-BFGS-B": 1, "CG": 1, "BFGS": 1, "TNC": 3}
"""The status each scipy method reports when it ran out of its budget (iterations, or
evaluations of J): history.stopped is then "epochs"."""

SCIPY_ITERATIONS = {"L-BFGS-B": "maxiter", "CG": "maxiter", "BFGS": "maxiter", "TNC": None}
"""The option that fit's `epochs` sets (TNC has none: fit counts its iterations itself)."""


def _positive(what):
    return checks.Number(what, above=0.0, rule="positive")


def _fraction(what):
    return checks.Number(what, above=0.0, below=1.0, rule="strictly between 0 and 1")


class SGD:
    """θ ← θ − α g."""

    OPTIONS = {}

    def step(self, theta, grad, lr):
        return descend(theta, grad, lr, 0.0)


class Momentum:
    """v ← μ v + g; θ ← θ − α v."""

    OPTIONS = {"mu": checks.Number("momentum's mu (μ)", at_least=0.0, below=1.0,
                                   rule="from 0 up to (not including) 1")}

    def __init__(self, mu=0.9):
        self.mu, self.v = mu, None

    def step(self, theta, grad, lr):
        self.v = grad.copy() if self.v is None else self.mu * self.v + grad
        return descend(theta, self.v, lr, 0.0)


class Adam:
    """Adam (Kingma and Ba, 2015) with bias correction."""

    OPTIONS = {"beta1": _fraction("Adam's beta1 (β₁)"), "beta2": _fraction("Adam's beta2 (β₂)"),
               "eps": _positive("Adam's eps (ε)")}

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
        return descend(theta, m_hat / (np.sqrt(v_hat) + self.eps), lr, 0.0)


class Rprop:
    """iRprop− (Igel and Hüsken, 2000): a step Δ_i of its own for each θ_i, grown by η+ while
    ∂J/∂θ_i keeps its sign, shrunk by η− (and the step skipped, g_i taken as 0) when it flips;
    θ_i ← θ_i − sign(g_i) Δ_i. FANN's defaults: η+ = 1.2, η− = 0.5, Δ₀ = 0.1, Δ in [0, 50].

    >>> import numpy as np
    >>> rprop = Rprop()
    >>> theta = rprop.step(np.array([1.0, 1.0]), np.array([0.5, -2.0]), lr=None)
    >>> theta.tolist(), rprop.step(theta, np.array([0.25, 3.0]), lr=None).tolist()
    ([0.9, 1.1], [0.78, 1.1])
    """

    OPTIONS = {"eta_plus": checks.Number("iRprop's eta_plus (η+)", above=1.0, rule="above 1"),
               "eta_minus": _fraction("iRprop's eta_minus (η−)"),
               "delta_zero": _positive("iRprop's delta_zero (Δ₀)"),
               "delta_min": checks.Number("iRprop's delta_min (Δmin)", at_least=0.0, rule="≥ 0"),
               "delta_max": _positive("iRprop's delta_max (Δmax)")}

    def __init__(self, eta_plus=1.2, eta_minus=0.5, delta_zero=0.1, delta_min=0.0,
                 delta_max=50.0):
        if not delta_min <= delta_zero <= delta_max:
            raise NetworkError(f"iRprop needs delta_min ≤ delta_zero ≤ delta_max; received "
                               f"{delta_min:g}, {delta_zero:g}, {delta_max:g}")
        self.eta_plus, self.eta_minus = eta_plus, eta_minus
        self.delta_zero, self.delta_min, self.delta_max = delta_zero, delta_min, delta_max
        self.delta = self.last = None

    def step(self, theta, grad, lr):
        if self.delta is None:
            self.delta, self.last = np.full_like(theta, self.delta_zero), np.zeros_like(theta)
        agree = grad * self.last
        grown, flipped = agree > 0.0, agree < 0.0
        self.delta[grown] = np.minimum(self.delta[grown] * self.eta_plus, self.delta_max)
        self.delta[flipped] = np.maximum(self.delta[flipped] * self.eta_minus, self.delta_min)
        grad = np.where(flipped, 0.0, grad)  # iRprop−: no step where the sign flipped
        self.last = grad
        return descend(theta, np.sign(grad) * self.delta, 1.0, 0.0)


STEPPERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam, "rprop": Rprop}
"""The optimizers that step θ themselves, by name."""

OPTIMIZERS = (*STEPPERS, *SCIPY_METHODS)
"""Every optimizer fit takes."""

FULL_BATCH = ("rprop", *SCIPY_METHODS)
"""The optimizers that work on the whole training set at once (no mini-batches)."""


def check_optimizer(name):
    """`name` if it is one of :data:`OPTIMIZERS`, else a NetworkError."""
    if isinstance(name, str) and name in OPTIMIZERS:
        return name
    raise NetworkError(f"unknown optimizer {describe(name)}; expected one of: "
                       f"{', '.join(map(repr, OPTIMIZERS))}")


def _options(options, name):
    """`options` as a dict with str keys (None: empty), or a NetworkError."""
    if options is None:
        return {}
    if not isinstance(options, dict) or not all(isinstance(key, str) for key in options):
        raise NetworkError(f"options must be a dict of option names (str) and values for "
                           f"optimizer={name!r}; received {describe(options)}")
    return options


def make_optimizer(name, options=None):
    """A fresh stepping optimizer (with its own state) for one run of ``fit``, with
    `options` (a dict of its constructor's arguments, each checked)."""
    cls = STEPPERS[check_optimizer(name)]
    options = _options(options, name)
    unknown = sorted(set(options) - set(cls.OPTIONS))
    if unknown:
        known = ", ".join(map(repr, cls.OPTIONS)) or "none"
        raise NetworkError(f"optimizer={name!r} has no option {unknown[0]!r}; its options: "
                           f"{known}")
    return cls(**{key: cls.OPTIONS[key](value) for key, value in options.items()})


def scipy_options(method, options, tol, epochs):
    """The options scipy's `method` gets: :data:`SCIPY_DEFAULTS` unless `tol` (scipy's own
    shorthand for its tolerances) or `options` say otherwise, and the iteration limit from
    `epochs`. Values must be numbers or flags; scipy checks the names."""
    name = next(key for key, value in SCIPY_METHODS.items() if value == method)
    options = dict(_options(options, name))
    limit = SCIPY_ITERATIONS[method]
    for key in ("maxiter", "callback", "jac"):
        if key in options:
            raise NetworkError(f"options may not set {key!r}: fit sets it (use epochs for the "
                               f"iteration limit)")
    for key, value in options.items():
        if isinstance(value, (bool, np.bool_)):
            continue
        if isinstance(value, numbers.Integral) and abs(value) <= 2 ** 62:
            options[key] = int(value)
        else:
            options[key] = checks.weight(value, f"option {key!r}")
    defaults = {} if tol is not None else SCIPY_DEFAULTS[method]
    limits = {} if limit is None else {limit: epochs}
    return {**defaults, **options, **limits}


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
