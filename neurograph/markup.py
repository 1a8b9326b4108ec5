"""Writing user-given text into LaTeX, HTML and a terminal so that it shows as written and runs
nothing.

Titles, activation names, symbols and students' names come from users; a picture, a page or
a terminal must show them, never let them add commands (``\\input``, ``<script>``, an escape
sequence that clears the screen) or break the file.
"""

import html
import re

__all__ = ["html_text", "terminal_text", "tex_math_name", "tex_text"]

_TEX_SPECIAL = {"\\": r"$\backslash$", "{": r"\{", "}": r"\}", "$": r"$\$$", "&": r"\&",
                "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%",
                "~": r"\~{}", "<": r"$<$", ">": r"$>$",
                "|": r"$|$"}
_TEX_PATTERN = re.compile("|".join(re.escape(c) for c in _TEX_SPECIAL))
_SPACES = re.compile(r"[\x00-\x20\x7f]+")
_TEX_UNICODE = {"Σ": r"$\Sigma$", "Π": r"$\Pi$", "Δ": r"$\Delta$", "σ": r"$\sigma$",
                "−": "-", "–": "--", "—": "---", "…": r"\dots{}", "×": r"$\times$",
                "α": r"$\alpha$", "λ": r"$\lambda$", "ρ": r"$\rho$", "∂": r"$\partial$"}


def tex_text(text):
    r"""`text` as LaTeX text mode shows it: every special character escaped.

    Characters pdflatex cannot typeset without packages (most of Unicode) become ``?``;
    the Greek letters and signs neurograph writes itself are kept. Line breaks, tabs and
    other control characters become one space (a blank line would end a paragraph where
    TeX allows none).

    Examples
    --------
    >>> print(tex_text(r"50% of \input{x} & $y_1$"))
    50\% of $\backslash$input\{x\} \& $\$$y\_1$\$$
    """
    out = _TEX_PATTERN.sub(lambda m: _TEX_SPECIAL[m.group()], _SPACES.sub(" ", str(text)))
    return "".join(c if ord(c) < 128 else _TEX_UNICODE.get(c, "?") for c in out)


def tex_math_name(name):
    r"""A function name inside math mode: ``\mathrm{name}`` for a plain word of letters,
    otherwise the name as escaped text in an ``\mbox``.

    Examples
    --------
    >>> tex_math_name("tanh2"), tex_math_name("cube")
    ('\\mbox{tanh2}', '\\mathrm{cube}')
    """
    if re.fullmatch(r"[A-Za-z]+", name):
        return rf"\mathrm{{{name}}}"
    return rf"\mbox{{{tex_text(name)}}}"


def html_text(text):
    """`text` escaped for HTML element content and attribute values.

    Examples
    --------
    >>> html_text('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(str(text), quote=True)


def terminal_text(text, most=40):
    r"""`text` as a terminal may print it: every control or other unprintable character
    escaped (``\x1b``, ``\n``), and cut to `most` characters.

    Examples
    --------
    >>> terminal_text("Ada\x1b[2J"), terminal_text("B" * 100, 10)
    ('Ada\\x1b[2J', 'BBBBBBB...')
    """
    text = str(text)
    if len(text) <= most and text.isprintable():  # the common case, cheaply
        return text
    head = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text[:most + 1])
    if len(text) > most + 1:
        head += "..."
    return head if len(head) <= most else head[:most - 3] + "..."
