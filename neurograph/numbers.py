"""How neurograph writes numbers: rounded half up as a person rounds, with a true minus sign.

Explanations, answer checking, pictures and the command line all show numbers through
:func:`format_number`, one rule for every size: ordinary values with `digits` decimal
places; values too small to show that way (below 10^−digits) and values of 10^15 or
more in scientific notation with `digits` decimals in the mantissa; NaN and ±∞ by name.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["round_half_up", "format_number", "round_significant", "Precision", "LARGE",
           "RoundedZero"]

LARGE = 1e15
"""From here on numbers are written in scientific notation (beyond it a float's digits are
no longer all meaningful to a person)."""


def round_half_up(value, digits):
    """`value` to `digits` decimal places, halves away from zero, as a person rounds.

    A non-zero value smaller than 10^−digits keeps `digits` significant digits
    instead of becoming 0, so a small Δ_j is still shown (and carried); a value of
    :data:`LARGE` or more keeps digits + 1 significant digits. NaN and ±∞ stay as they are.
    """
    value = float(value)  # numpy 2 writes a numpy float's repr as np.float64(…)
    if value == 0 or not math.isfinite(value):
        return value
    exact = Decimal(repr(value))
    if abs(value) < 10.0 ** -digits or abs(value) >= LARGE:
        quantum = Decimal(1).scaleb(exact.adjusted() - digits + (1 if abs(value) < 1 else 0))
    else:
        quantum = Decimal(1).scaleb(-digits)
    with localcontext() as context:
        context.prec = 400  # enough for any float at any number of decimal places
        return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


class RoundedZero(float):
    """0, as a person writes a small value rounded by hand to `digits` decimal places: shown
    as 0.00 or −0.00 (the sign of the value rounded), so that a reader sees it was rounded,
    not exactly 0. It is an ordinary 0.0 (or −0.0) in arithmetic.

    >>> format_number(RoundedZero(-0.0018, 2), 2), RoundedZero(-0.0018, 2) + 1
    ('−0.00', 1.0)
    """

    def __new__(cls, value, digits):
        zero = super().__new__(cls, math.copysign(0.0, value))
        zero.digits = digits
        return zero

    def __repr__(self):
        return float.__repr__(self)

    def text(self, latex=False):
        minus = ("-" if latex else "−") if math.copysign(1.0, self) < 0 else ""
        return minus + "0" + ("." + "0" * self.digits if self.digits else "")


def format_number(value, digits, latex=False):
    """The number as shown: rounded half up, trailing zeros dropped, a true minus sign.

    Examples
    --------
    >>> format_number(0.21215, 4), format_number(-3.0, 2), format_number(1.23456e24, 2)
    ('0.2122', '−3', '1.23×10^24')
    >>> format_number(float("nan"), 2), format_number(float("-inf"), 2, latex=True)
    ('NaN', '-\\\\infty')
    """
    if isinstance(value, RoundedZero):
        return value.text(latex)
    shown = round_half_up(value, digits)
    if shown != shown:
        return r"\mathrm{NaN}" if latex else "NaN"
    if math.isinf(shown):
        text = r"\infty" if latex else "∞"
        return ("-" if latex else "−") + text if shown < 0 else text
    if shown == 0:
        return "0"
    exact = Decimal(repr(shown))  # the shortest decimal that is this float, not its binary tail
    if abs(shown) < 10.0 ** -digits or abs(shown) >= LARGE:
        text = _scientific(exact, digits - 1 if abs(shown) < 1 else digits, latex)
    else:
        text = format(exact, f".{digits}f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace("-", "-" if latex else "−")


def _scientific(exact, places, latex):
    """m×10^e with `places` decimals in the mantissa, trailing zeros dropped."""
    mantissa, exponent = format(exact, f".{max(places, 0)}e").split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return (f"{mantissa} \\times 10^{{{int(exponent)}}}" if latex
            else f"{mantissa}×10^{int(exponent)}")


def round_significant(value, figures):
    """`value` to `figures` significant figures, halves away from zero (NaN, ±∞ kept).

    >>> [round_significant(v, 3) for v in (-0.049548, 2.5249, 0.099651)]
    [-0.0495, 2.52, 0.0997]
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    exact = Decimal(repr(value))
    quantum = Decimal(1).scaleb(exact.adjusted() - figures + 1)
    with localcontext() as context:
        context.prec = 400
        return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


class Precision:
    """How numbers are shown: `digits` decimal places, or `significant` figures when given
    (as textbooks such as Hagan's print them: −0.0495, 0.0997, −2.52)."""

    def __init__(self, digits=4, significant=None):
        self.digits, self.significant = digits, significant

    def round(self, value):
        if self.significant is None:
            return round_half_up(value, self.digits)
        return round_significant(value, self.significant)

    def by_hand(self, value):
        """`value` rounded as a person carries it: to `digits` decimal places, a small value
        to 0.01 or to a :class:`RoundedZero` (0.00), not kept in scientific notation as
        :meth:`round` keeps it; significant figures as :meth:`round`."""
        if self.significant is not None or not abs(value) < 10.0 ** -self.digits:
            return self.round(value)
        if value == 0:
            return value
        with localcontext() as context:
            context.prec = 400
            rounded = float(Decimal(repr(float(value))).quantize(
                Decimal(1).scaleb(-self.digits), rounding=ROUND_HALF_UP))
        return rounded if rounded != 0 else RoundedZero(value, self.digits)

    def format(self, value, latex=False):
        if self.significant is None or isinstance(value, RoundedZero):
            return format_number(value, self.digits, latex)
        shown = round_significant(value, self.significant)
        if shown == 0 or not math.isfinite(shown) or abs(shown) >= LARGE:
            return format_number(shown, self.significant, latex)
        exact = Decimal(repr(shown))
        places = max(self.significant - 1 - exact.adjusted(), 0)
        if places > 12:  # very small: scientific, with the figures in the mantissa
            text = _scientific(exact, self.significant - 1, latex)
        else:
            text = format(exact, f".{places}f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
        return text.replace("-", "-" if latex else "−")

    def words(self):
        """"4 decimal places" or "3 significant figures"."""
        if self.significant is None:
            return f"{self.digits} decimal places"
        return f"{self.significant} significant figures"
