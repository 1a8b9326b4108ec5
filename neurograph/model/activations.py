r"""Activation functions g and their derivatives g′, kept together in one object.

Every built-in takes either a float (the reference engine walks one neuron at a
time and uses :mod:`math`) or a numpy array (vectorized code and plots), and is
numerically stable: no overflow and no warning at in_j = ±1000.

=============  ===========================================  ==============================
name           g(in_j)                                      g′(in_j)
=============  ===========================================  ==============================
threshold      1 if in_j ≥ 0 else 0                         0 (undefined at 0)
logistic       σ(in_j) = 1 / (1 + e^(−in_j))                σ(in_j)(1 − σ(in_j))
tanh           tanh(in_j)                                   1 − tanh²(in_j)
relu           max(0, in_j)                                 1 if in_j > 0 else 0
leaky_relu     in_j if in_j ≥ 0 else 0.01·in_j              1 if in_j > 0 else 0.01
softplus       log(1 + e^(in_j))                            σ(in_j)
identity       in_j                                         1
sin            sin(in_j)                                    cos(in_j)
cos            cos(in_j)                                    −sin(in_j)
gaussian       e^(−in_j²)                                   −2 in_j e^(−in_j²)
abs            |in_j|                                       1 if in_j > 0, −1 if in_j < 0, 0
square         in_j²                                        2 in_j
=============  ===========================================  ==============================

``"sigmoid"`` is another name for ``"logistic"`` and ``"linear"`` for ``"identity"``. The last
five are the neurons of compositional pattern-producing networks (Backprop NEAT evolves them
on TensorFlow Playground's data): periodic, bump-shaped and symmetric functions that let a few
neurons draw a spiral. At the kink of ``abs`` g′(0) is 0, as the lectures take ReLU′(0).
"""

import math
import re
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..checks import named
from ..errors import NetworkError, describe

__all__ = ["Activation", "ACTIVATIONS", "ALIASES", "get_activation"]

LEAKY_SLOPE = 0.01
PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = set()  # the built-in names and aliases, once the table below is made


@dataclass(frozen=True)
class Activation:
    r"""An activation function g together with its derivative g′.

    Parameters
    ----------
    name : str
        The name shown in explanations, pictures and files.
    g, dg : callable
        g(in_j) and g′(in_j). Each must accept a float (the reference engine)
        and a numpy array (the vectorized engine), elementwise.
    formula : str, optional
        g as LaTeX, for explanations, e.g. ``r"\frac{1}{1 + e^{-in_j}}"``.
    symbol : str, optional
        How explanations write g applied to a number, e.g. "σ" (default: the name).
    tex : str, optional
        How LaTeX writes that symbol where it is not a Greek letter or plain word, e.g.
        ``r"\tanh"`` (default: the symbol, upright).
    dg_from_a : callable, optional
        g′ as a function of a_j = g(in_j), where the lecture writes it so
        (logistic: a_j(1 − a_j); tanh: 1 − a_j²). The batch engine and ``explain``
        then take g′ from a_j, bitwise as the lecture's formula gives it.
    dg_form : str, optional
        Which of the lecture's forms of g′ explain writes out: "a(1-a)", "1-a^2",
        "logistic(in)", or "" for g′(in_j) itself.
    bounds : (float, float), default (−inf, inf)
        The range of g: pictures scale colours by it, and a loss that needs
        0 < a < 1 knows whether the activation keeps there.
    fast : callable, optional
        g for arrays in the batch engine, when a faster form agrees to an ulp.
    group : bool, default False
        g is not neuron by neuron: all the network's output neurons with this activation
        form one group, each a_k computed from every in_m of the group (softmax). Such
        neurons are outputs that feed no other neuron; the engines compute the group's
        a and Δ together.
    array_g : callable, optional
        ``array_g(in_, xp)``: g on an array of the array namespace `xp` (numpy or torch),
        with only what both provide (arithmetic, comparisons, ``xp.exp``, ``xp.where``,
        ``xp.zeros_like`` …). The torch engine computes g so (see :meth:`g_xp`).
    array_dg : callable, optional
        ``array_dg(in_, xp)``: g′ likewise, where `dg_from_a` does not give it.
    binary : bool, default False
        g takes the values 0 and 1 only (a step): the perceptron rule applies.
    is_identity : bool, default False
        g(in_j) = in_j: explanations write a_j = in_j, with no g applied.
    strictly_inside : bool, default False
        g(in_j) lies strictly inside `bounds` for every finite in_j (logistic, softmax; the
        threshold reaches its bounds), so a loss needing 0 < a_k < 1 holds in exact arithmetic.
    kinks : tuple of float, default ()
        The in_j where g or g′ jumps (relu, leaky_relu and threshold: 0), where g′ is the
        lecture's convention rather than a limit: finite-difference checks keep away from them.
    kernel : (str, str), optional
        g and g′ as Python expressions over the floats ``z`` (in_j) and ``a`` (a_j = g(in_j))
        with :mod:`math` — g′ from ``a`` where `dg_from_a` gives it — which a compiled
        engine writes into its code (:mod:`neurograph.engines.compiled`); the same numbers
        as `g` and `dg` for floats. Without it that engine leaves the network to the others.
    torch_kernels : (str, str), optional
        g and its backward as PyTorch's own kernels, by name: ``torch.<g>(in_, out=a)`` and
        ``torch.ops.aten.<backward>(∂J/∂a, a)`` = ∂J/∂a · g′ with g′ from a_j as the lecture
        takes it (logistic: ``("sigmoid", "sigmoid_backward")``, a(1 − a)). The torch engine's
        packed path (:mod:`neurograph.engines.tensor_blocks`) then makes one operation of each
        where :meth:`g_xp` and :meth:`dg_xp` make several; without it, it uses those.

    The name must be a plain word (letters, digits, underscores), so that files
    can hold it, and a user-made activation cannot take a built-in name: a file
    would read it back as the built-in one.

    Examples
    --------
    >>> import math
    >>> import neurograph as ng
    >>> cube = ng.Activation("cube", g=lambda z: z**3, dg=lambda z: 3 * z**2)
    >>> cube.g(2.0), cube.dg(2.0)
    (8.0, 12.0)
    >>> ng.get_activation("sigmoid").g(0.0)
    0.5
    """

    name: str
    g: Callable
    dg: Callable
    formula: str = ""
    symbol: str = ""
    tex: str = ""
    dg_from_a: Optional[Callable] = None
    dg_form: str = ""
    bounds: tuple = (-math.inf, math.inf)
    fast: Optional[Callable] = None
    group: bool = False
    array_g: Optional[Callable] = None
    array_dg: Optional[Callable] = None
    binary: bool = False
    is_identity: bool = False
    strictly_inside: bool = False
    kinks: tuple = ()
    kernel: tuple = ()
    torch_kernels: tuple = ()

    def __post_init__(self):
        if not isinstance(self.name, str) or not PLAIN_WORD.fullmatch(self.name):
            raise NetworkError(f"an activation's name must be a plain word (letters, digits, "
                               f"underscores), so that files can hold it; "
                               f"received {describe(self.name)}")
        if self.name in _RESERVED:
            raise NetworkError(f"{self.name!r} is the name of a built-in activation; give yours "
                               f"another name (a file would read it back as the built-in one)")
        for part in ("g", "dg"):
            if not callable(getattr(self, part)):
                raise NetworkError(f"activation {self.name!r}: {part} must be callable; "
                                   f"received {describe(getattr(self, part))}")
        for part in ("dg_from_a", "fast", "array_g", "array_dg"):
            if getattr(self, part) is not None and not callable(getattr(self, part)):
                raise NetworkError(f"activation {self.name!r}: {part} must be callable or "
                                   f"None; received {describe(getattr(self, part))}")

        if self.torch_kernels != () and not (
                isinstance(self.torch_kernels, tuple) and len(self.torch_kernels) == 2
                and all(isinstance(name, str) and PLAIN_WORD.fullmatch(name)
                        for name in self.torch_kernels)):
            raise NetworkError(f"activation {self.name!r}: torch_kernels must be two names of "
                               f"PyTorch functions, such as ('sigmoid', 'sigmoid_backward'), "
                               f"or (); received {describe(self.torch_kernels)}")

    def __repr__(self):
        return f"Activation({self.name!r})"

    @property
    def shown_as(self):
        """The symbol explanations write for g, e.g. "σ"."""
        return self.symbol or self.name

    @property
    def on_any_array(self):
        """Whether g and g′ run on arrays of any namespace (numpy, torch): :meth:`g_xp` and
        :meth:`dg_xp` work. True for every built-in but softmax (a group, which the engines
        compute as a whole)."""
        return self.array_g is not None and (self.dg_from_a is not None
                                             or self.array_dg is not None)

    def g_xp(self, in_, xp=np):
        """g of an array `in_` of the namespace `xp` (numpy or torch)."""
        return self.array_g(in_, xp)

    def dg_xp(self, a, in_, xp=np):
        """g′ of an array `in_` of the namespace `xp`, given a = g(in_): from a_j where the
        lecture writes it so (`dg_from_a`), else from in_j."""
        if self.dg_from_a is not None:
            return self.dg_from_a(a)
        return self.array_dg(in_, xp)


def _array(z):
    return np.asarray(z, dtype=float)


def _scalar_or_array(out):
    return out[()] if out.ndim == 0 else out


def threshold(z):
    r"""Binary threshold: :math:`g(in_j) = 1` if :math:`in_j \geq 0`, else 0."""
    if isinstance(z, float):
        return 1.0 if z >= 0.0 else 0.0
    return _scalar_or_array(np.where(_array(z) >= 0.0, 1.0, 0.0))


def threshold_derivative(z):
    r"""g′ = 0 wherever it is defined (everywhere but :math:`in_j = 0`)."""
    if isinstance(z, float):
        return 0.0
    return _scalar_or_array(np.zeros_like(_array(z)))


def logistic(z):
    r"""Logistic function :math:`\sigma(in_j) = \frac{1}{1 + e^{-in_j}}`.

    Evaluated as :math:`e^{in_j} / (1 + e^{in_j})` for negative inputs, so that
    :math:`e^{-in_j}` never overflows.
    """
    if isinstance(z, float):
        if z >= 0.0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    z = _array(z)
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^(−|in_j|)
    one_plus_e = e + 1.0
    out = np.divide(1.0, one_plus_e)
    np.divide(e, one_plus_e, out=out, where=z < 0.0)  # the same two divisions, in place
    return _scalar_or_array(out)


def logistic_textbook(z, xp=np):
    r"""σ for arrays as :math:`1/(1 + e^{-in_j})`, the textbook form, for the batch engine.

    Where :math:`e^{-in_j}` overflows (:math:`in_j < -709`) this gives 0, σ's value to
    300 digits, in half the operations of the stable form; the two differ by at most
    an ulp elsewhere. The batch engine calls it with numpy's overflow warning off; `xp`
    is the array namespace (numpy or torch: the torch engine computes σ so too).
    """
    return 1.0 / (1.0 + xp.exp(-z))


def logistic_derivative(z):
    r""":math:`\sigma'(in_j) = \sigma(in_j)\,(1 - \sigma(in_j))`."""
    s = logistic(z)
    return s * (1.0 - s)


def tanh(z):
    r"""Hyperbolic tangent :math:`\tanh(in_j)`."""
    if isinstance(z, float):
        return math.tanh(z)
    return _scalar_or_array(np.tanh(_array(z)))


def tanh_derivative(z):
    r""":math:`\tanh'(in_j) = 1 - \tanh^2(in_j)`."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    r"""Rectified linear unit :math:`\max\{0, in_j\}`."""
    if isinstance(z, float):
        return z if z > 0.0 else 0.0
    z = _array(z)
    return _scalar_or_array(np.where(z > 0.0, z, 0.0))


def relu_derivative(z):
    r"""1 for :math:`in_j > 0`, else 0 (the lectures' choice at 0)."""
    if isinstance(z, float):
        return 1.0 if z > 0.0 else 0.0
    return _scalar_or_array(np.where(_array(z) > 0.0, 1.0, 0.0))


def leaky_relu(z):
    r"""Leaky ReLU: :math:`in_j` for :math:`in_j \geq 0`, else :math:`0.01\,in_j`."""
    if isinstance(z, float):
        return z if z >= 0.0 else LEAKY_SLOPE * z
    z = _array(z)
    return _scalar_or_array(np.where(z >= 0.0, z, LEAKY_SLOPE * z))


def leaky_relu_derivative(z):
    r"""1 for :math:`in_j > 0`, else 0.01 (Lecture 23's choice at 0)."""
    if isinstance(z, float):
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    return _scalar_or_array(np.where(_array(z) > 0.0, 1.0, LEAKY_SLOPE))


def softplus(z):
    r"""Softplus :math:`\log(1 + e^{in_j})`, as :math:`\max\{0, in_j\} + \log(1 + e^{-|in_j|})`."""
    if isinstance(z, float):
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    z = _array(z)
    return _scalar_or_array(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))))


def softmax(z):
    r"""Softmax over the last axis: :math:`a_k = e^{in_k} / \sum_m e^{in_m}`, computed as
    :math:`e^{in_k - M} / \sum_m e^{in_m - M}` with :math:`M = \max_m in_m`, so that no
    exponential overflows (stable at :math:`in_k = \pm 1000`). A single number is a group
    of one: 1."""
    if isinstance(z, float):
        return 1.0
    z = _array(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return _scalar_or_array(e / np.sum(e, axis=-1, keepdims=True))


def softmax_rows(z):
    """Softmax of each row of a 2-D array, for the batch engine (no conversions)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


def softmax_derivative(z):
    r"""The diagonal of the softmax Jacobian, :math:`a_k (1 - a_k)`; the engines use the whole
    Jacobian :math:`\partial a_k / \partial in_m = a_k (\delta_{km} - a_m)` for the group."""
    a = softmax(z)
    return a * (1.0 - a)


def identity(z):
    r"""Identity :math:`g(in_j) = in_j` (a linear output neuron, for regression)."""
    if isinstance(z, float):
        return z
    return _scalar_or_array(_array(z).copy())


def identity_derivative(z):
    r""":math:`g'(in_j) = 1`."""
    if isinstance(z, float):
        return 1.0
    return _scalar_or_array(np.ones_like(_array(z)))


def sin(z):
    r"""Sine :math:`\sin(in_j)`; :math:`g'(in_j) = \cos(in_j)`. NaN at ±∞, as numpy gives."""
    if isinstance(z, float):
        return math.sin(z) if z - z == 0.0 else math.nan  # math.sin(±inf) raises
    return _scalar_or_array(np.sin(_array(z)))


def cos(z):
    r"""Cosine :math:`\cos(in_j)`; :math:`g'(in_j) = -\sin(in_j)`. NaN at ±∞, as numpy gives."""
    if isinstance(z, float):
        return math.cos(z) if z - z == 0.0 else math.nan  # math.cos(±inf) raises
    return _scalar_or_array(np.cos(_array(z)))


def minus_sin(z):
    r""":math:`\cos'(in_j) = -\sin(in_j)`."""
    return -sin(z)


def gaussian(z):
    r"""Gaussian bump :math:`e^{-in_j^2}` (1 at 0, bounded in (0, 1]).

    A float goes through ``math.exp``, as the compiled kernel does, so the two agree to the bit
    (numpy's exp on arrays may differ in the last place, as for every activation).
    """
    if isinstance(z, float):
        return math.exp(-z * z)
    z = _array(z)
    return _scalar_or_array(np.exp(-z * z))


def gaussian_derivative(z):
    r""":math:`g'(in_j) = -2\,in_j\,e^{-in_j^2}`."""
    return -2.0 * z * gaussian(z)


def absolute(z):
    r"""Absolute value :math:`|in_j|`."""
    if isinstance(z, float):
        return abs(z)
    return _scalar_or_array(np.abs(_array(z)))


def absolute_derivative(z):
    r"""The sign of :math:`in_j`: 1 above 0, −1 below, and 0 at the kink (ReLU′(0) is 0 too)."""
    if isinstance(z, float):
        return 1.0 if z > 0.0 else (-1.0 if z < 0.0 else 0.0)
    return _scalar_or_array(np.sign(_array(z)))


def square(z):
    r"""Square :math:`in_j^2`."""
    if isinstance(z, float):
        return z * z
    z = _array(z)
    return _scalar_or_array(z * z)


def square_derivative(z):
    r""":math:`g'(in_j) = 2\,in_j`."""
    if isinstance(z, float):
        return 2.0 * z
    return _scalar_or_array(2.0 * _array(z))


def zeros_xp(z, xp):
    """0 for every element of `z`, in the namespace `xp` (threshold′)."""
    return xp.zeros_like(z)


def ones_xp(z, xp):
    """1 for every element of `z`, in the namespace `xp` (identity′)."""
    return xp.ones_like(z)


def threshold_xp(z, xp):
    """:func:`threshold` in the array namespace `xp`."""
    return xp.where(z >= 0.0, xp.ones_like(z), xp.zeros_like(z))


def tanh_xp(z, xp):
    """:func:`tanh` in the array namespace `xp`."""
    return xp.tanh(z)


def relu_xp(z, xp):
    """:func:`relu` in the array namespace `xp`."""
    return xp.where(z > 0.0, z, xp.zeros_like(z))


def relu_derivative_xp(z, xp):
    """:func:`relu_derivative` in the array namespace `xp`."""
    return xp.where(z > 0.0, xp.ones_like(z), xp.zeros_like(z))


def leaky_relu_xp(z, xp):
    """:func:`leaky_relu` in the array namespace `xp`."""
    return xp.where(z >= 0.0, z, LEAKY_SLOPE * z)


def leaky_relu_derivative_xp(z, xp):
    """:func:`leaky_relu_derivative` in the array namespace `xp`."""
    return xp.where(z > 0.0, xp.ones_like(z), xp.full_like(z, LEAKY_SLOPE))


def softplus_xp(z, xp):
    """:func:`softplus` in the array namespace `xp`: max{0, in_j} + log(1 + e^(−|in_j|))."""
    return xp.where(z > 0.0, z, xp.zeros_like(z)) + xp.log1p(xp.exp(-xp.abs(z)))


def identity_xp(z, xp):
    """:func:`identity` in the array namespace `xp` (a new array, as :func:`identity` gives)."""
    return z * 1.0


def sin_xp(z, xp):
    """:func:`sin` in the array namespace `xp`."""
    return xp.sin(z)


def cos_xp(z, xp):
    """:func:`cos` in the array namespace `xp`."""
    return xp.cos(z)


def minus_sin_xp(z, xp):
    """:func:`minus_sin` in the array namespace `xp` (cos′)."""
    return -xp.sin(z)


def gaussian_xp(z, xp):
    """:func:`gaussian` in the array namespace `xp`."""
    return xp.exp(-z * z)


def gaussian_derivative_xp(z, xp):
    """:func:`gaussian_derivative` in the array namespace `xp`."""
    return -2.0 * z * xp.exp(-z * z)


def absolute_xp(z, xp):
    """:func:`absolute` in the array namespace `xp`."""
    return xp.abs(z)


def absolute_derivative_xp(z, xp):
    """:func:`absolute_derivative` in the array namespace `xp`."""
    return xp.sign(z)


def square_xp(z, xp):
    """:func:`square` in the array namespace `xp`."""
    return z * z


def square_derivative_xp(z, xp):
    """:func:`square_derivative` in the array namespace `xp`."""
    return 2.0 * z


LOGISTIC_KERNEL = "1.0 / (1.0 + math.exp(-z)) if z >= 0.0 else math.exp(z) / (1.0 + math.exp(z))"
"""σ(z) as :func:`logistic` computes a float, written as one expression (for kernels)."""

ACTIVATIONS = {
    a.name: a
    for a in (
        Activation("threshold", threshold, threshold_derivative,
                   r"\begin{cases} 1 & in_j \geq 0 \\ 0 & \text{otherwise} \end{cases}",
                   symbol="g", bounds=(0.0, 1.0), array_g=threshold_xp, array_dg=zeros_xp,
                   binary=True, kinks=(0.0,), kernel=("1.0 if z >= 0.0 else 0.0", "0.0")),
        Activation("logistic", logistic, logistic_derivative, r"\frac{1}{1 + e^{-in_j}}",
                   symbol="σ", dg_from_a=lambda a: a * (1.0 - a), dg_form="a(1-a)",
                   bounds=(0.0, 1.0), fast=logistic_textbook, array_g=logistic_textbook,
                   strictly_inside=True, kernel=(LOGISTIC_KERNEL, "a * (1.0 - a)"),
                   torch_kernels=("sigmoid", "sigmoid_backward")),
        Activation("tanh", tanh, tanh_derivative, r"\tanh(in_j)", symbol="tanh", tex=r"\tanh",
                   dg_from_a=lambda a: 1.0 - a * a, dg_form="1-a^2", bounds=(-1.0, 1.0),
                   array_g=tanh_xp, kernel=("math.tanh(z)", "1.0 - a * a"),
                   torch_kernels=("tanh", "tanh_backward")),
        Activation("relu", relu, relu_derivative, r"\max\{0, in_j\}", symbol="ReLU",
                   bounds=(0.0, math.inf), array_g=relu_xp, array_dg=relu_derivative_xp,
                   kinks=(0.0,), kernel=("z if z > 0.0 else 0.0", "1.0 if z > 0.0 else 0.0")),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative,
                   r"\max\{0.01\,in_j, in_j\}", symbol="LeakyReLU", array_g=leaky_relu_xp,
                   array_dg=leaky_relu_derivative_xp, kinks=(0.0,),
                   kernel=(f"z if z >= 0.0 else {LEAKY_SLOPE!r} * z",
                           f"1.0 if z > 0.0 else {LEAKY_SLOPE!r}")),
        Activation("softplus", softplus, logistic, r"\log(1 + e^{in_j})", symbol="softplus",
                   dg_form="logistic(in)", bounds=(0.0, math.inf), array_g=softplus_xp,
                   array_dg=logistic_textbook,
                   kernel=("max(z, 0.0) + math.log1p(math.exp(-abs(z)))", LOGISTIC_KERNEL)),
        Activation("identity", identity, identity_derivative, r"in_j", symbol="identity",
                   array_g=identity_xp, array_dg=ones_xp, is_identity=True,
                   kernel=("z", "1.0")),
        Activation("sin", sin, cos, r"\sin(in_j)", symbol="sin", tex=r"\sin", bounds=(-1.0, 1.0),
                   array_g=sin_xp, array_dg=cos_xp, kernel=("math.sin(z)", "math.cos(z)")),
        Activation("cos", cos, minus_sin, r"\cos(in_j)", symbol="cos", tex=r"\cos",
                   bounds=(-1.0, 1.0), array_g=cos_xp, array_dg=minus_sin_xp,
                   kernel=("math.cos(z)", "-math.sin(z)")),
        Activation("gaussian", gaussian, gaussian_derivative, r"e^{-in_j^2}",
                   symbol="gaussian", bounds=(0.0, 1.0), array_g=gaussian_xp,
                   array_dg=gaussian_derivative_xp,
                   kernel=("math.exp(-z * z)", "-2.0 * z * a")),
        Activation("abs", absolute, absolute_derivative, r"|in_j|", symbol="abs",
                   bounds=(0.0, math.inf), array_g=absolute_xp,
                   array_dg=absolute_derivative_xp, kinks=(0.0,),
                   kernel=("abs(z)", "1.0 if z > 0.0 else (-1.0 if z < 0.0 else 0.0)")),
        Activation("square", square, square_derivative, r"in_j^2", symbol="square",
                   bounds=(0.0, math.inf), array_g=square_xp, array_dg=square_derivative_xp,
                   kernel=("z * z", "2.0 * z")),
        Activation("softmax", softmax, softmax_derivative,
                   r"\frac{e^{in_k}}{\sum_m e^{in_m}}", symbol="softmax", bounds=(0.0, 1.0),
                   fast=softmax_rows, group=True, strictly_inside=True),
    )
}
"""The named activations, by name (aliases are resolved by :func:`get_activation`)."""

ALIASES = {"sigmoid": "logistic", "linear": "identity"}
"""Other names for built-in activations."""

_RESERVED.update(ACTIVATIONS, ALIASES)


def get_activation(spec):
    """Return the :class:`Activation` named by `spec`, or `spec` itself if it is one.

    Parameters
    ----------
    spec : str or Activation
        A name from :data:`ACTIVATIONS` or an alias (``"sigmoid"``, ``"linear"``).

    Raises
    ------
    NetworkError
        If `spec` names no activation.

    Examples
    --------
    >>> import neurograph as ng
    >>> ng.get_activation("linear")
    Activation('identity')
    """
    return named(spec, Activation, ACTIVATIONS, ALIASES, "activation")
