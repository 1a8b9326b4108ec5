"""Every error neurograph raises about a network or its input.

All of them derive from :class:`NetworkError`, itself a :class:`ValueError`, so
``except ng.NetworkError`` catches anything neurograph refuses.
"""

__all__ = ["NetworkError", "CycleError", "DivergedError", "UnknownNeuronError",
           "UnknownEdgeError", "SlowPathWarning", "describe", "excerpt"]


class NetworkError(ValueError):
    """A network, or the input given to it, is not what was expected.

    The message says what was expected and what was received. A call that
    raises it leaves the network exactly as it was.
    """

    # Subclasses that are also KeyErrors would otherwise print their message in quotes.
    __str__ = BaseException.__str__


class SlowPathWarning(UserWarning):
    """A computation runs on a slower path than the one asked for usually takes, and why.

    ``fit(engine="torch")`` packs each depth of a network into dense weight blocks with the
    backward pass written out (:mod:`neurograph.engines.tensor_blocks`); a network it cannot
    pack (batch norm, max or product neurons, a softmax group over several depths or without
    cross-entropy, delay edges, a loss or activation without array forms, very sparse
    depths) trains through autograd instead, several times slower on
    small networks, and this warning says which part stopped the packing. The numbers are the
    same either way. Silence it with ``warnings.simplefilter("ignore", ng.SlowPathWarning)``.
    """


class CycleError(NetworkError):
    """An edge would close a directed cycle; feedforward networks must be acyclic.

    Attributes
    ----------
    cycle : list of int
        The neuron ids along the cycle, first id repeated at the end.
    """

    def __init__(self, message, cycle):
        super().__init__(message)
        self.cycle = list(cycle)


class DivergedError(NetworkError):
    """Training left the numbers a network can hold: an update would make a weight NaN or take
    it beyond ±1e100, or J(w) stopped being finite. The weights are left as they were before
    the step (``sgd_step``) or the epoch (``fit``, which attaches its ``.history``)."""


class UnknownNeuronError(NetworkError, KeyError):
    """No neuron has the requested id."""


class UnknownEdgeError(NetworkError, KeyError):
    """No edge (i, j) exists in the network."""


def excerpt(text, most=60):
    """`text` cut to `most` characters for a message (a received file line or value can be
    megabytes long; an error quotes only its start)."""
    text = str(text)
    return text if len(text) <= most else text[:most - 3] + "..."


def describe(value):
    """Show a received value in an error message: its repr, shortened, and, when unclear,
    its type."""
    if isinstance(value, str) and len(value) > 200:
        value = value[:200]  # never repr a huge string whole
    if isinstance(value, int) and value.bit_length() > 1000:  # (Python refuses to write some)
        return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
    try:
        text = excerpt(" ".join(line.strip() for line in repr(value).splitlines()))  # one line
    except ValueError:  # it holds an integer of thousands of digits
        return f"a {type(value).__name__} holding an integer too long to write out"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return text
    return f"{text} (a {type(value).__name__})"
