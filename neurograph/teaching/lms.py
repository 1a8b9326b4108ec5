"""Questions a learning management system imports: Moodle XML and GIFT.

Each question of an exercise becomes one *numerical* question: the right value (and, when it
differs, the value worked the other way — exactly or carrying rounded values by hand) with a
tolerance of half a unit of the key's last decimal place, so that exactly the values that
round to the key's are right; then, as wrong answers (0 %) whose feedback names the mistake,
the value each of ``ng.MISCONCEPTIONS`` gives (worked in Python when the file is made); last
a catch-all (``*``, Moodle XML only) saying the value is not one of the usual mistakes. The
question text repeats what the sheet states: the network's weights, g of each neuron and the
loss (their formulas as ``\\( … \\)``, which Moodle's MathJax filter typesets), x, y, α.

The formats followed are those of Moodle's documentation for Moodle 3.x and 4.x: "Moodle XML
format" (``<question type="numerical">`` with ``<answer fraction=…>``, ``<tolerance>`` and
per-answer ``<feedback>``) and "GIFT format" (numerical answers ``{#=%100%v:tol#feedback …}``,
with ``~ = # { } :`` and ``\\`` escaped by a backslash). Other systems that import Moodle XML
or GIFT (many do) read the same files; Canvas imports QTI, which is not written here.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from ..model.losses import LOSSES
from ..numbers import Precision, round_half_up
from .answers import AnswerKey, half_unit
from .mistakes import MISCONCEPTIONS
from .sheets import activations, formula, ids

__all__ = ["moodle_xml", "gift", "question_data"]

NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (control characters): left out of the text."""
GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")
OTHER = ("Not right, and not one of the usual mistakes: check the formula and the numbers "
         "you put in.")


def question_data(ex):
    """[(name, prompt, [(value, tolerance, fraction, feedback, code)])] for each question, in
    the sheet's order, with the context every question repeats: what the two formats write
    (`code`: the misconception a wrong answer stands for; None for a right one)."""
    key = AnswerKey(ex.network, ex.x, ex.y, ex.lr, ex.loss, ex.digits, ex.carry_rounded)
    p = Precision(ex.digits, ex.significant)
    out = []
    for name in ex.questions:
        right = ex.answers[name] if name in ex.answers else p.round(key.expected(name))
        rights = [right]
        other = round_half_up(key.readings(name)[1], ex.digits)  # exact, or carried by hand
        if other != round_half_up(right, ex.digits):
            rights.append(other)
        answers = [(value, _tolerance(value, ex), 100, "Right.", None) for value in rights]
        for value, code in key.mistaken_values(name).items():
            answers.append((value, _tolerance(value, ex), 0,
                            f"Not right; the usual mistake that gives it: "
                            f"{MISCONCEPTIONS[code]}.", code))
        out.append((name, _prompt(ex, name, p), answers))
    return out


def moodle_xml(ex):
    """The exercise's questions as a Moodle XML quiz file (text): a category named after the
    course, title and variant, then one numerical question per value asked.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> import neurograph as ng
    >>> quiz = ET.fromstring(ng.exercise(kind="forward", seed=3).to_moodle_xml())
    >>> [q.get("type") for q in quiz][:3]
    ['category', 'numerical', 'numerical']
    >>> quiz[1].find("answer").get("fraction"), quiz[1].find("answer/tolerance").text
    ('100', '0.005')
    """
    quiz = ET.Element("quiz")
    category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
    _text(category, _category(ex))
    for name, prompt, answers in question_data(ex):
        question = ET.SubElement(quiz, "question", type="numerical")
        _text(ET.SubElement(question, "name"), f"{_title(ex)}, variant {ex.seed}: {name}")
        _text(ET.SubElement(question, "questiontext", format="html"), _html(prompt))
        _text(ET.SubElement(question, "generalfeedback", format="html"), "")
        ET.SubElement(question, "defaultgrade").text = "1.0000000"
        ET.SubElement(question, "penalty").text = "0.3333333"
        ET.SubElement(question, "hidden").text = "0"
        for value, tolerance, fraction, feedback, _ in answers:
            answer = ET.SubElement(question, "answer", fraction=str(fraction),
                                   format="moodle_auto_format")
            _text(answer, _plain(value))
            _text(ET.SubElement(answer, "feedback", format="html"), _html(feedback))
            ET.SubElement(answer, "tolerance").text = _plain(tolerance)
        anything = ET.SubElement(question, "answer", fraction="0", format="moodle_auto_format")
        _text(anything, "*")
        _text(ET.SubElement(anything, "feedback", format="html"), _html(OTHER))
        ET.SubElement(anything, "tolerance").text = "0"
        ET.SubElement(question, "unitgradingtype").text = "0"
        ET.SubElement(question, "unitpenalty").text = "0.1000000"
        ET.SubElement(question, "showunits").text = "3"
        ET.SubElement(question, "unitsleft").text = "0"
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


def gift(ex):
    r"""The exercise's questions in GIFT (text): a category line, then one numerical question
    per value asked, each answer with its feedback.

    Examples
    --------
    >>> import neurograph as ng
    >>> text = ng.exercise(kind="forward", seed=3).to_gift()
    >>> text.splitlines()[0]
    '$CATEGORY: Exercise/variant 3'
    >>> "{#\n=%100%2:0.005#Right." in text
    True
    """
    lines = [f"$CATEGORY: {_category(ex)}", ""]
    for name, prompt, answers in question_data(ex):
        title = _gift(f"{_title(ex)}, variant {ex.seed}: {name}")
        body = [f"::{title}::{_gift(prompt)}" + "{#"]
        body += [f"=%{fraction}%{_plain(value)}:{_plain(tolerance)}#{_gift(feedback)}"
                 for value, tolerance, fraction, feedback, _ in answers]
        body += ["}", ""]
        lines += body
    return "\n".join(lines)


def _tolerance(value, ex):
    if ex.significant is not None:
        return half_unit(value, 0) if value == 0 else 0.5 * 10.0 ** (
            Decimal(repr(abs(value))).adjusted() - ex.significant + 1)
    return half_unit(value, ex.digits)


def _prompt(ex, name, p):
    """The question's text: the exercise as the sheet states it, then what to compute."""
    net = ex.network
    weights = ", ".join(f"w_{i},{j} = {p.format(w)}" for (i, j), w in net.w.items())
    stated = "; ".join(f"neuron{'s' * (len(js) > 1)} {ids(js)}: {g.name}, \\({formula(g)}\\)"
                       for js, g in activations(ex))
    parts = [f"A network with inputs {ids(net.inputs)}, hidden neurons {ids(net.hidden)} and "
             f"outputs {ids(net.outputs)} (a_0 = 1 is the bias) has the weights {weights}.",
             f"Activations: {stated}."]
    example = "x = (" + ", ".join(p.format(v) for v in ex.x) + ")"
    if ex.kind != "forward":
        parts.append(f"Loss: {ex.loss}, \\(\\ell = {LOSSES[ex.loss].formula}\\).")
        example += ", y = (" + ", ".join(p.format(v) for v in ex.y) + ")"
    if ex.kind == "sgd":
        example += f", α = {p.format(ex.lr)}"
    how = "carrying rounded values on, as by hand" if ex.carry_rounded else "exactly"
    what = f"the updated weight {name}" if name.startswith("w_") else name
    parts += [f"The example: {example}.",
              f"Compute {what}, to {p.words()} ({how}), with a decimal point."]
    return "\n".join(parts)


def _title(ex):
    return ex.title if ex.title is not None else "Exercise"


def _category(ex):
    parts = [ex.course, _title(ex), f"variant {ex.seed}"]
    line = "/".join(part.replace("/", "-") for part in parts if part is not None)
    return re.sub(r"\s+", " ", NOT_XML.sub("", line))  # one line: GIFT's $CATEGORY is a line


def _text(parent, text):
    ET.SubElement(parent, "text").text = NOT_XML.sub("", text)


def _html(text):
    """Plain text as HTML paragraphs (every <, > and & escaped when the XML is written, and
    again here, so Moodle shows them as text)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{line}</p>" for line in escaped.split("\n"))


def _gift(text):
    """Text with GIFT's special characters escaped and line breaks as \\n."""
    return GIFT_SPECIAL.sub(r"\\\1", NOT_XML.sub("", text)).replace("\n", r"\n")


def _plain(value):
    """A number as LMSs read it: a decimal point, no exponent, no trailing zeros."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
