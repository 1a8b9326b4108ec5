"""How neurograph writes numbers: rounded half up as a person rounds, with a true minus sign.

Explanations, answer checking and pictures all show numbers through these two functions.
"""

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["round_half_up", "format_number"]


def round_half_up(value, digits):
    """`value` to `digits` decimal places, halves away from zero, as a person rounds.

    A non-zero value smaller than 10^−digits keeps `digits` significant digits
    instead of becoming 0, so a small Δ_j is still shown (and carried).
    """
    value = float(value)  # numpy 2 writes a numpy float's repr as np.float64(…)
    if value == 0 or value != value or abs(value) == float("inf"):
        return value
    exact = Decimal(repr(value))
    if abs(value) < 10.0 ** -digits:
        quantum = Decimal(1).scaleb(exact.adjusted() - digits + 1)
    else:
        quantum = Decimal(1).scaleb(-digits)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def format_number(value, digits, latex=False):
    """The number as shown: rounded half up, trailing zeros dropped, a true minus sign."""
    shown = round_half_up(value, digits)
    if shown == 0:
        return "0"
    if abs(shown) < 10.0 ** -digits:
        mantissa, exponent = f"{shown:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        text = (f"{mantissa} \\times 10^{{{int(exponent)}}}" if latex
                else f"{mantissa}×10^{int(exponent)}")
    else:
        text = f"{shown:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace("-", "-" if latex else "−")
