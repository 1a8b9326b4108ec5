"""Questions for the LMS: Moodle XML and GIFT (issue 26 item 4)."""

import re
import xml.etree.ElementTree as ET

import pytest

import neurograph as ng
from test_hostile import command

NUMERICAL = ["name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden"]
"""The elements every Moodle numerical question holds, in the order Moodle writes them,
before its answers (Moodle XML format, Moodle 3.x and 4.x)."""
UNITS = ["unitgradingtype", "unitpenalty", "showunits", "unitsleft"]


def moodle_questions(text):
    """The quiz's numerical questions, its structure checked as Moodle's importer reads it."""
    quiz = ET.fromstring(text.encode("utf-8"))
    assert quiz.tag == "quiz" and text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    first, *questions = list(quiz)
    assert first.get("type") == "category" and first.find("category/text").text
    for question in questions:
        assert question.tag == "question" and question.get("type") == "numerical"
        tags = [child.tag for child in question]
        answers = [k for k, tag in enumerate(tags) if tag == "answer"]
        assert tags[:len(NUMERICAL)] == NUMERICAL and tags[answers[-1] + 1:] == UNITS
        assert answers == list(range(answers[0], answers[-1] + 1))
        assert question.find("questiontext").get("format") == "html"
        for answer in question.findall("answer"):
            assert answer.get("fraction") in ("0", "100")
            assert [child.tag for child in answer] == ["text", "feedback", "tolerance"]
            assert answer.find("text").text == "*" or float(answer.find("text").text) == \
                float(answer.find("text").text)
            assert float(answer.find("tolerance").text) >= 0
            assert answer.find("feedback/text").text.startswith("<p>")
    return questions


@pytest.mark.parametrize("kind", ["forward", "backprop", "sgd"])
def test_moodle_xml_has_the_keys_values_with_their_tolerance(kind):
    ex = ng.exercise(kind=kind, seed=5, title="Quiz 3", course="CS 457")
    questions = moodle_questions(ex.to_moodle_xml())
    assert len(questions) == len(ex.questions)
    for name, question in zip(ex.questions, questions):
        assert question.find("name/text").text == f"Quiz 3, variant 5: {name}"
        right = [a for a in question.findall("answer") if a.get("fraction") == "100"]
        assert float(right[0].find("text").text) == ex.answers[name]
        assert float(right[0].find("tolerance").text) == 0.005  # half of 0.01: 2 places
        assert question.findall("answer")[-1].find("text").text == "*"


def test_each_misconceptions_value_is_a_wrong_answer_naming_the_mistake():
    ex = ng.exercise(kind="backprop", seed=7)  # in_4 = 0.5·1 + 2·(−0.5) + 1·(−0.5) = −1
    questions = dict(zip(ex.questions, moodle_questions(ex.to_moodle_xml())))
    wrong = {float(a.find("text").text): a.find("feedback/text").text
             for a in questions["in_4"].findall("answer") if a.get("fraction") == "0"
             and a.find("text").text != "*"}
    assert ng.MISCONCEPTIONS["missing_bias"] in wrong[-1.5]  # w_0,4 = 0.5 left out
    # every wrong answer is what check_answers diagnoses for that value
    for name, question in questions.items():
        for answer in question.findall("answer"):
            if answer.get("fraction") != "0" or answer.find("text").text == "*":
                continue
            value = float(answer.find("text").text)
            check = ng.check_answers(ex.network, ex.x, ex.y, {name: value}, digits=2,
                                     carry_rounded=True).items[0]
            assert not check.correct
            assert ng.MISCONCEPTIONS[check.diagnosis] in answer.find("feedback/text").text


def gift_questions(text):
    """{title: [(fraction, value, tolerance, feedback)]} read back from GIFT, unescaping."""
    found = {}
    for block in text.strip().split("\n\n")[1:]:
        match = re.fullmatch(r"::((?:\\.|[^:\\])*)::(?:\\.|[^{\\])*\{#\n(.*)\n\}", block, re.S)
        assert match, block
        title = re.sub(r"\\(.)", r"\1", match.group(1))
        answers = []
        for line in match.group(2).split("\n"):
            parts = re.fullmatch(r"=%(\d+)%(-?[\d.]+):([\d.e-]+)#(.*)", line)
            assert parts, line
            answers.append((int(parts[1]), float(parts[2]), float(parts[3]),
                            re.sub(r"\\(.)", r"\1", parts[4])))
        found[title] = answers
    return found


def test_gift_escapes_its_special_characters_and_holds_the_key():
    title = r"Quiz {3}: a~b = c#d \ e"
    ex = ng.exercise(kind="sgd", seed=2, title=title)
    text = ex.to_gift()
    assert text.startswith("$CATEGORY: ")
    questions = gift_questions(text)
    assert list(questions) == [f"{title}, variant 2: {name}" for name in ex.questions]
    for name in ex.questions:
        fraction, value, tolerance, feedback = questions[f"{title}, variant 2: {name}"][0]
        assert (fraction, value, tolerance, feedback) == (100, ex.answers[name], 0.005,
                                                          "Right.")


def test_the_command_writes_moodle_and_gift_files(tmp_path):
    for form, ending in (("moodle", "xml"), ("gift", "gift")):
        made = command(tmp_path, "exercise", "--kind", "forward", "--variants", 2, "--format",
                       form, "--title", "Quiz 1", "-o", form)
        assert made.returncode == 0, made.stderr
        assert {p.name for p in (tmp_path / form).iterdir()} == {
            f"exercise_0.{ending}", "exercise_0.json", f"exercise_1.{ending}",
            "exercise_1.json"}
    ex = ng.load_exercise(tmp_path / "moodle" / "exercise_1.json")
    assert ex.title == "Quiz 1"
    xml = (tmp_path / "moodle" / "exercise_1.xml").read_text(encoding="utf-8")
    assert xml == ex.to_moodle_xml() and len(moodle_questions(xml)) == len(ex.questions)


def test_a_hostile_title_is_text_in_both_formats():
    title = "a]]><b>&amp;\x01\x1b[2J}{#=~:\\ end"
    ex = ng.exercise(kind="forward", seed=1, title=title, course="CS/457")
    questions = moodle_questions(ex.to_moodle_xml())
    assert questions[0].find("name/text").text == \
        "a]]><b>&amp;[2J}{#=~:\\ end, variant 1: in_3"  # control characters left out
    assert ET.fromstring(ex.to_moodle_xml()).find("question/category/text").text == \
        "CS-457/a]]><b>&amp;[2J}{#=~:\\ end/variant 1"
    assert list(gift_questions(ex.to_gift()))[0] == "a]]><b>&amp;[2J}{#=~:\\ end, variant 1: in_3"
    lines = ng.exercise(kind="forward", seed=1, title="two\nlines").to_gift().splitlines()
    assert lines[:2] == ["$CATEGORY: two lines/variant 1", ""]
    assert lines[2].startswith("::two\\nlines, variant 1\\: in_3::")