"""The teacher's kit under attack (issue 24): exercise files that carry code, marks files that
carry formulas, names that carry terminal escapes, files that break the readers, and writes
where they should not go — each answered by a NetworkError (one line on the command line)
that leaves every file as it was.

The command line runs as the installed ``neurograph`` in a subprocess, importing the package
these tests import (PYTHONPATH), so that a work tree is tested as it is.
"""

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.files.atomic import write_together
from neurograph.teaching.explain import work_through
from neurograph.teaching.grading import FORMULA_STARTS
from test_hostile import command, folder_state, mutated, refused

README_CLASS = (Path(__file__).parents[2] / "examples" / "data" / "answers.csv").read_text()


def runs(folder, *args):
    result = command(folder, *args)
    assert result.returncode == 0 and result.stderr == "", (args, result.stderr[-2000:])
    return result.stdout


@pytest.fixture
def key(tmp_path):
    """The README's exercise (seed 7) saved with its answers, and the README's class."""
    ng.exercise(kind="sgd", seed=7).save(tmp_path / "key.json")
    (tmp_path / "answers.csv").write_text(README_CLASS)
    return tmp_path


def edited(folder, **changes):
    """The key file with some fields changed, as a new file `bad.json`."""
    doc = json.loads((folder / "key.json").read_text())
    doc.update(changes)
    (folder / "bad.json").write_text(json.dumps(doc))
    return folder / "bad.json"


# ------------------------------------------------------------------ code in an exercise file

@pytest.mark.parametrize("changes, says", [
    (dict(seed=r"\input{/etc/hostname}"), r"seed must be a whole number ≥ 0 and < 2^64"),
    (dict(seed=r"7 \immediate\write18{touch pwned}"), "seed must be a whole number"),
    (dict(seed=2 ** 64), "seed must be a whole number"),
    (dict(seed=True), "seed must be a whole number"),
    (dict(kind=r"sgd\input{x}"), "kind: expected one of forward, backprop, sgd"),
    (dict(loss=r"\input{/etc/hostname}"), r"unknown loss '\\input{/etc/hostname}'"),
    (dict(significant="3"), "significant (figures) must be a whole number from 1 to 17; "
                            "received '3'"),
    (dict(significant=0), "significant (figures) must be a whole number from 1 to 17"),
    (dict(lr="fast"), "the learning rate lr must be a real number; received 'fast'"),
    (dict(lr=None), "the learning rate lr must be a real number; received None"),
    (dict(lr=-0.5), "lr must be positive"),
    (dict(digits=2.0), "digits must be a whole number from 0 to 17; received 2.0"),
    (dict(carry_rounded="no"), "carry_rounded must be True or False; received 'no'"),
    (dict(version="1"), "version: expected 1; received '1'"),
    (dict(version=[1]), "version: expected 1; received [1]"),
    (dict(questions=["in_99"], answers={}), "questions: expected names of this exercise's "
                                            "values"),
    (dict(questions=[r"\input{x}"], answers={}), r"received '\\input{x}'"),
    (dict(questions=["dJ/dw_0,3"], answers={}), "received 'dJ/dw_0,3'"),
    (dict(questions=[], answers={}), "questions must be a non-empty list"),
    (dict(questions=["in_3", "in_3"], answers={}), "'in_3' is asked twice"),
    (dict(questions="in_3", answers={}), "questions must be a non-empty list"),
    (dict(kind="forward"), "received 'Δ_5'"),  # a forward exercise has no Δ to ask
    (dict(answers={"in_3": 0.25}), "answers: expected a value for each question, or none"),
    (dict(x=[r"\input{x}", 1]), "x must be 2 real numbers"),
    (dict(y="1"), "y must be 1 real number"),
    (dict(network=[1]), "network: the top level: expected an object"),
    (dict(notes=r"\input{/etc/hostname}"), "'notes' is not a field of an exercise"),
    (dict(format="neurograph"), "format: expected 'neurograph-exercise'; received "
                                "'neurograph'"),
])
def test_every_field_of_an_exercise_file_is_checked(key, changes, says):
    with pytest.raises(ng.NetworkError) as info:
        ng.load_exercise(edited(key, **changes))
    message = str(info.value)
    assert message.startswith(str(key / "bad.json") + ": ") and says in message, message
    assert "\n" not in message and len(message) < 400


def test_answers_must_be_finite_numbers(key):
    doc = json.loads((key / "key.json").read_text())
    answers = dict(doc["answers"], in_3="0.25")
    with pytest.raises(ng.NetworkError, match=r"answers.in_3 must be a real number; "
                                              r"received '0.25'"):
        ng.load_exercise(edited(key, answers=answers))


@pytest.mark.parametrize("text, says", [
    ('{"format": "neurograph-exercise", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nested too deeply to be an exercise file"),
    ('{"format": "neurograph-exercise", "seed": ' + "9" * 5000 + "}",
     "value has 5000 digits; expected an exercise's numbers"),
    ('{"format": "neurograph-exercise", "lr": NaN}', "NaN is not a number an exercise can hold"),
    ("", "the file is empty"),
    ("[1, 2]", "format: expected 'neurograph-exercise'; received [1, 2]"),
    ('{"format": "neurograph-exercise", "kind": "sgd"', "not valid JSON at line 1"),
])
def test_broken_exercise_files_are_refused_in_one_line(key, text, says):
    (key / "broken.json").write_text(text)
    refused(key, "grade", "broken.json", "answers.csv", says=says)
    with pytest.raises(ng.NetworkError, match="broken.json: "):
        ng.load_exercise(key / "broken.json")


def test_an_exercise_file_with_a_byte_order_mark_loads(key):
    (key / "bom.json").write_bytes(b"\xef\xbb\xbf" + (key / "key.json").read_bytes())
    assert ng.load_exercise(key / "bom.json").to_document() == \
        ng.load_exercise(key / "key.json").to_document()


@pytest.mark.parametrize("path, says", [
    (None, "received None"), (7, "received 7"), (b"key.json", "received b'key.json'"),
    ("no_such.json", "no_such.json: no such file"), (".", ".: is a folder, not a file"),
])
def test_an_exercise_path_that_is_no_file_is_refused(key, path, says, monkeypatch):
    monkeypatch.chdir(key)
    with pytest.raises(ng.NetworkError, match=says):
        ng.load_exercise(path)


@pytest.mark.parametrize("field, value, says", [
    ("network", "net.json", "network must be a Network; received 'net.json'"),
    ("kind", ["sgd"], "kind must be one of forward, backprop, sgd"),
    ("seed", -1, "seed must be a whole number ≥ 0"),
    ("loss", ng.Loss("mine", None, None, "ℓ"), "loss must be one of squared"),
    ("questions", ["in_3", "g′(in_3)"], "received 'g′(in_3)'"),
    ("answers", {"in_3": float("nan")}, "answers: expected a value for each question"),
])
def test_an_exercise_made_by_hand_is_checked_as_a_file_is(field, value, says):
    ex = ng.exercise(kind="sgd", seed=7)
    fields = dict(network=ex.network, x=ex.x, y=ex.y, lr=ex.lr, kind=ex.kind, loss=ex.loss,
                  digits=ex.digits, significant=ex.significant, carry_rounded=ex.carry_rounded,
                  questions=ex.questions, answers={}, seed=ex.seed)
    ng.Exercise(**fields)  # as it is: fine
    with pytest.raises(ng.NetworkError, match=says.replace("(", r"\(").replace(")", r"\)")):
        ng.Exercise(**{**fields, field: value})


def tex_install():
    """The folders pdflatex reads its own files from (kpathsea's trees and configuration)."""
    found = []
    for query in ("-expand-path=$TEXMF", "-expand-path=$TEXMFCNF",
                  "-expand-var=$TEXMFSYSVAR:$TEXMFVAR:$TEXMFSYSCONFIG:$TEXMFCONFIG"):
        out = subprocess.run(["kpsewhich", query], capture_output=True, text=True).stdout
        found += [Path(p).resolve() for p in out.strip().split(":") if p.strip()]
    return found


def compile_recording(folder, name):
    """pdflatex with -shell-escape (\\write18 allowed) and -recorder: the files it read."""
    result = subprocess.run(["pdflatex", "-shell-escape", "-recorder", "-interaction=nonstopmode",
                             "-halt-on-error", name], cwd=folder, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-3000:]
    recorded = (folder / name).with_suffix(".fls").read_text().splitlines()
    return [Path(line.split(" ", 1)[1]) for line in recorded if line.startswith("INPUT ")]


@pytest.mark.parametrize("answers", [False, True])
@pytest.mark.parametrize("seed, kind", [
    (r"7 \input{/etc/hostname} \immediate\write18{touch pwned}", "sgd"),  # unescaped: compiles
    (r"$x^2$ {}#&%~_ \par", r"sgd \input{/etc/hostname}\par"),  # unescaped: does not compile
])
def test_a_sheet_shows_code_put_into_it_and_reads_and_runs_nothing(tmp_path, answers, seed,
                                                                    kind):
    """Fields are checked when an Exercise is made; here they are changed afterwards, so
    that only the escaping stands between the payload and pdflatex."""
    assert shutil.which("pdflatex") and shutil.which("kpsewhich"), "TeX Live is needed"
    ex = ng.exercise(kind="sgd", seed=7)
    ex.seed, ex.kind = seed, kind
    (tmp_path / "network.png").write_bytes(ex.picture())
    (tmp_path / "sheet.tex").write_text(ex.to_latex(answers=answers, picture="network.png"))
    read = compile_recording(tmp_path, "sheet.tex")
    install = tex_install()
    outside = [p for p in read if not (tmp_path / p).resolve().is_relative_to(tmp_path)
               and not any(p.resolve().is_relative_to(root) for root in install)]
    assert outside == [], outside
    assert not (tmp_path / "pwned").exists()
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert any(p.name == "network.png" for p in read)  # (the recorder sees what is read)


def test_a_sheet_in_markdown_shows_html_put_into_it_as_text():
    ex = ng.exercise(kind="forward", seed=3)
    ex.seed = '<script>alert("x")</script>'
    text = ex.to_markdown(answers=True)
    assert "<script>" not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize("picture", [
    r"x}\input{/etc/hostname", "net.png}\\immediate\\write18{touch pwned}", "/etc/net.png",
    "../net.png", "net work.png", "net.png)<script>", "net.svg", "net.png\n", 7,
])
def test_a_picture_with_more_than_a_plain_name_is_refused(picture):
    ex = ng.exercise(kind="forward", seed=3)
    for render in (ex.to_latex, ex.to_markdown):
        with pytest.raises(ng.NetworkError, match="picture must be a relative file name"):
            render(picture=picture)
    assert r"\includegraphics[width=9.0cm]{pics/net-7_a.PNG}" in ex.to_latex(
        picture=Path("pics/net-7_a.PNG"))


def test_a_students_copy_prints_no_key_and_says_so():
    ex = ng.exercise(kind="forward", seed=3)
    ex.answers = {}
    assert "____" in ex.to_markdown()
    with pytest.raises(ng.NetworkError, match="this is a student's copy: it has no answer for "
                                              "in_3; print it with answers=False"):
        ex.to_latex(answers=True)
    with pytest.raises(ng.NetworkError, match="answers must be True or False"):
        ex.to_markdown(answers="yes")


# --------------------------------------------------------------- formulas in the marks file

def marks_of(csv_text):
    return list(csv.reader(io.StringIO(csv_text)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1, max_size=12), cell=st.text(max_size=12))
@example(name='=HYPERLINK("http://x")', cell="=1+1")
@example(name="+1", cell="@SUM(A1)")
@example(name="-2+3", cell="\tx")
@example(name="@cmd", cell="\rx")
@example(name="−1+1", cell="-0.3")
@example(name="＝1", cell="+7")
@example(name="a", cell="-inf")
def test_text_cells_a_spreadsheet_would_run_are_written_as_text(name, cell):
    ex = EXERCISE_7
    header = "student,in_3\n"
    text = header + _csv_row([name, cell])
    try:
        grades = ng.grade(ex, text)
    except ng.NetworkError:
        return  # (a name that breaks the header or is blank: refused or reported)
    for row in marks_of(grades.to_csv())[1:]:
        for written in row:
            if written[:1] in FORMULA_STARTS:
                try:
                    float(written.replace("−", "-"))
                except ValueError:
                    raise AssertionError(f"{written!r} would be a formula") from None
    rows = marks_of(grades.to_csv())[1:]
    for row, mark in zip(rows, grades.marks):
        assert row[2] in (mark.written, "'" + mark.written)
        assert row[0] in (mark.student, "'" + mark.student)


def _csv_row(cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


EXERCISE_7 = ng.exercise(kind="sgd", seed=7)


def test_names_and_cells_that_look_like_formulas_keep_a_quote_and_numbers_stay_numbers():
    text = ('student,in_3,a_3\n=HYPERLINK("http://x"),=1+1,-0.3\n+SUM(A1),-2+3,0.56\n'
            '@x,\t1,+0.56\nAda,0.25,−0.3\n')
    grades = ng.grade(EXERCISE_7, text)
    rows = marks_of(grades.to_csv())
    cells = {(row[0], row[1]): row for row in rows[1:]}
    assert ("'=HYPERLINK(\"http://x\")", "in_3") in cells
    assert cells["'=HYPERLINK(\"http://x\")", "in_3"][2:4] == ["'=1+1", "unreadable"]
    assert cells["'=HYPERLINK(\"http://x\")", "a_3"][2] == "-0.3"  # a number: as it is
    assert cells["'+SUM(A1)", "in_3"][2] == "'-2+3"
    assert cells["'+SUM(A1)", "a_3"][2:4] == ["0.56", "right"]
    assert cells["'@x", "a_3"][2:4] == ["+0.56", "right"]
    assert cells["Ada", "a_3"][2] == "−0.3"
    assert [row[0] for row in marks_of(grades.to_csv(layout="wide"))[1:]] == [
        "'=HYPERLINK(\"http://x\")", "'+SUM(A1)", "'@x", "Ada"]
    assert all(float(row[4]) == float(row[4]) for row in rows[1:] if row[4])


# ------------------------------------------------------------ escapes on the terminal

def test_student_names_are_shown_escaped_and_cut_on_the_terminal(key):
    rows = README_CLASS.splitlines()
    (key / "evil.csv").write_text(
        rows[0] + "\n" + "\x1b[2J\x1b]0;pwned\x07Eve," + rows[1].split(",", 1)[1] + "\n"
        + "L" * 100_000 + "," + rows[2].split(",", 1)[1] + "\n" + "Zoe\u202eevil\u202c,"
        + rows[3].split(",", 1)[1] + "\n", encoding="utf-8")
    out = runs(key, "grade", "key.json", "evil.csv")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b]0;pwned\\x07Eve: 5 of 5 right" in out
    assert "Zoe\\u202eevil\\u202c: 3 of 5 right" in out
    assert max(map(len, out.splitlines())) < 80
    assert "L" * 30 + "...: 3 of 5 right" in out


def test_a_name_with_a_line_break_stays_on_its_line():
    grades = ng.grade(EXERCISE_7, 'student,in_3\n"Ada\nrm -rf /",0.25\n')
    assert str(grades).splitlines()[0] == "Ada\\nrm -rf /: 1 of 1 right"


# ------------------------------------------------------------------------ no tracebacks

def test_a_cell_past_the_csv_limit_is_refused_in_one_line(key):
    (key / "long.csv").write_text("student,in_3\nAda,0.25\nBen," + "1" * 200_000 + "\n")
    refused(key, "grade", "key.json", "long.csv", says="long.csv: line 3: not a CSV row "
                                                       "(field larger than field limit")


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_any_line_endings_are_read(key, ending):
    (key / "class.csv").write_bytes(ending.join(README_CLASS.splitlines()).encode() +
                                    ending.encode())
    out = runs(key, "grade", "key.json", "class.csv")
    assert out.splitlines()[:4] == ["Ada: 5 of 5 right", "Ben: 3 of 5 right",
                                    "Cleo: 3 of 5 right", "Dev: 4 of 5 right"]


@pytest.mark.parametrize("exercise, answers, says", [
    (None, "student,in_3\nAda,1\n", "exercise must be an Exercise"),
    ("key.json", "student,in_3\nAda,1\n", "exercise must be an Exercise"),
    (EXERCISE_7, None, "answers must be the path of a CSV file, or its text; received None"),
    (EXERCISE_7, 7, "received 7"),
    (EXERCISE_7, b"student,in_3\n", "received b'student,in_3\\\\n'"),
    (EXERCISE_7, "", "the answers CSV must start with a header row"),
])
def test_grade_refuses_what_is_no_exercise_or_csv(exercise, answers, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.grade(exercise, answers)


def test_a_beamer_title_with_a_blank_line_or_control_characters_compiles(tmp_path):
    assert shutil.which("pdflatex"), "pdflatex is needed"
    from neurograph.teaching.lectures import sgd_network
    tex = sgd_network().explain([1, 0], [1], lr=0.5).to_beamer(
        title="Step\n\nby\tstep\x00\x1b\r\r\x7f: 50% \\par")
    assert r"\title{Step by step : 50\% $\backslash$par}" in tex
    (tmp_path / "slides.tex").write_text(tex)
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             "slides.tex"], cwd=tmp_path, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-2000:]


# ------------------------------------------------------ the kit against its documentation

def test_a_nan_or_inf_cell_is_reported_and_the_class_marked(key):
    rows = README_CLASS.splitlines()
    (key / "nan.csv").write_text(rows[0] + "\nAda,nan,inf,-inf,1e999,-1.42\n"
                                 + "\n".join(rows[2:]) + "\n")
    grades = ng.grade(ng.load_exercise(key / "key.json"), key / "nan.csv")
    assert grades.totals() == {"Ada": (1, 5), "Ben": (3, 5), "Cleo": (3, 5), "Dev": (4, 5)}
    assert [m.status for m in grades.marks[:4]] == ["unreadable"] * 4
    assert grades.problems == ("row 2, column 2 ('in_3'): 'nan' is not a finite number",
                               "row 2, column 3 ('a_3'): 'inf' is not a finite number",
                               "row 2, column 4 ('delta_5'): '-inf' is not a finite number",
                               "row 2, column 5 ('delta_3'): '1e999' is not a finite number")
    out = runs(key, "grade", "key.json", "nan.csv")
    assert "Ada: 1 of 5 right" in out and "! row 2, column 3 ('a_3'): 'inf'" in out


def test_a_csv_with_a_byte_order_mark_is_marked(key):
    (key / "excel.csv").write_bytes(b"\xef\xbb\xbf" + README_CLASS.encode())
    expected = ng.grade(ng.load_exercise(key / "key.json"), key / "answers.csv")
    assert ng.grade(ng.load_exercise(key / "key.json"), key / "excel.csv") == expected
    assert ng.grade(EXERCISE_7, "\ufeff" + README_CLASS) == expected
    assert runs(key, "grade", "key.json", "excel.csv").startswith("Ada: 5 of 5 right\n")


def test_train_keeps_the_first_example_of_a_csv_with_a_byte_order_mark(tmp_path):
    from neurograph.data import read_table
    (tmp_path / "plain.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + (tmp_path / "plain.csv").read_bytes())
    (tmp_path / "header.csv").write_bytes(b"\xef\xbb\xbfx1,x2,y\n0,0,0\n0,1,1\n")
    X, Y = read_table(tmp_path / "excel.csv", 2, 1)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and Y.tolist() == [[0], [1], [1], [0]]
    assert read_table(tmp_path / "header.csv", 2, 1)[0].tolist() == [[0, 0], [0, 1]]
    runs(tmp_path, "new", "layered", 2, 2, 1, "-o", "net.json")
    out = runs(tmp_path, "train", "net.json", "excel.csv", "--lr", 1, "--epochs", 1, "-o",
               "out.json")
    assert "on 4 examples" in out


def test_repeated_students_are_marked_row_by_row_and_repeated_columns_reported():
    rows = README_CLASS.splitlines()
    text = (rows[0] + ",in3,Δ_5\n" + "\n".join(rows[1:]) + "\n" + rows[2].replace("Ben", "Ada")
            + ",1,2\n" + "Zoe\u0308,1\nZo\u00eb,2\n")
    grades = ng.grade(EXERCISE_7, text)
    totals = grades.totals()
    assert totals["Ada (row 2)"] == (5, 5) and totals["Ada (row 6)"] == (3, 5)
    assert "Ada" not in totals and totals["Ben"] == (3, 5)
    assert {"Zoe\u0308 (row 7)", "Zo\u00eb (row 8)"} <= set(totals)  # the same name, in NFC
    assert grades.problems[:2] == (
        "column 7: 'in3' asks for in_3 again (column 2, 'in_3'); only column 2 is marked",
        "column 8: 'Δ_5' asks for Δ_5 again (column 4, 'delta_5'); only column 4 is marked")
    assert "rows 2, 6: the same student, 'Ada'; each row is marked on its own, as " \
           "'NAME (row N)'" in grades.problems
    assert len(grades.marks) == 7 * 5 and len(grades.students) == 7


def test_a_label_never_takes_another_students_name():
    grades = ng.grade(EXERCISE_7, "student,in_3\nAda,0.25\nAda (row 2),1\nAda,0.25\n")
    assert grades.students == ("Ada (row 2)'", "Ada (row 2)", "Ada (row 4)")
    assert grades.totals() == {"Ada (row 2)'": (1, 1), "Ada (row 2)": (0, 1),
                               "Ada (row 4)": (1, 1)}


def test_a_class_is_marked_with_one_key_whatever_its_size(monkeypatch):
    """Linear work: the explanations (the costly part of a mark) are worked per exercise,
    not per student — the same count for a class of 4 and of 400 (times are measured by
    scripts, never asserted here)."""
    calls = []
    original = work_through

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr("neurograph.teaching.answers.work_through", counted)
    monkeypatch.setattr("neurograph.teaching.answers.explain",
                        lambda *a, **k: counted(*a, **k))
    rows = README_CLASS.splitlines()
    counts = []
    for copies in (1, 100):
        calls.clear()
        body = [f"s{k}_{row}" for k in range(copies) for row in rows[1:]]
        grades = ng.grade(EXERCISE_7, "\n".join([rows[0], *body]) + "\n")
        assert len(grades.students) == 4 * copies
        counts.append(len(calls))
    assert counts[0] == counts[1] > 0


def test_a_network_too_big_for_a_hand_exercise_is_refused_at_once():
    with pytest.raises(ng.NetworkError, match="at most 10,000 weights; this one has 10,201"):
        ng.exercise(sizes=(100, 100, 1))
    with pytest.raises(ng.NetworkError, match=r"at most 10,000 weights; this one has "
                                              r"1,002,001"):
        ng.exercise(network=None, sizes=[1000, 1000, 1])
    with pytest.raises(ng.NetworkError, match=r"keep every \|in_j\| ≤ 4 for this network "
                                              r"\(in 200 draws\)"):
        ng.exercise(sizes=(99, 99, 1))  # allowed, but hopeless: a bounded search


def test_a_path_is_a_file_and_text_with_a_line_break_is_the_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    odd = "class\n2024.csv"
    Path(odd).write_text(README_CLASS)
    from_text = ng.grade(EXERCISE_7, README_CLASS)
    assert ng.grade(EXERCISE_7, Path(odd)) == from_text  # a Path: always a file
    assert ng.grade(EXERCISE_7, odd) == from_text  # a str that names a file: that file
    with pytest.raises(ng.NetworkError, match="must start with a header row"):
        ng.grade(EXERCISE_7, "class\n2025.csv")  # no such file, a line break: CSV text
    with pytest.raises(ng.NetworkError, match="no_such.csv: no such file"):
        ng.grade(EXERCISE_7, "no_such.csv")
    with pytest.raises(ng.NetworkError, match=r"class\\n2025.csv: no such file"):
        ng.grade(EXERCISE_7, Path("class\n2025.csv"))


# ------------------------------------------------------------- files written in their place

def test_a_planted_symlink_is_replaced_and_what_it_points_to_untouched(tmp_path):
    (tmp_path / "victim.txt").write_text("the victim\n")
    (tmp_path / "s2").mkdir()
    (tmp_path / "s2" / "exercise_0_key.md").symlink_to("../victim.txt")
    (tmp_path / "s2" / "exercise_1.md").symlink_to("/dev/full")
    runs(tmp_path, "exercise", "--variants", 2, "-o", "s2")
    assert (tmp_path / "victim.txt").read_text() == "the victim\n"
    for name in ("exercise_0_key.md", "exercise_1.md"):
        path = tmp_path / "s2" / name
        assert not path.is_symlink() and path.read_text().startswith("# Exercise\n\n*One step of gradient descent")


def test_nothing_is_written_when_one_file_of_the_set_cannot_be(tmp_path):
    (tmp_path / "s3").mkdir()
    (tmp_path / "s3" / "exercise_2_key.md").mkdir()  # the last variant's key: a folder
    refused(tmp_path, "exercise", "--variants", 3, "-o", "s3",
            says="cannot write s3/exercise_2_key.md: it is a folder")
    assert [p.name for p in (tmp_path / "s3").iterdir()] == ["exercise_2_key.md"]
    (tmp_path / "plain").write_text("a file\n")
    refused(tmp_path, "exercise", "-o", "plain/sheets", says="plain: exists and is not a "
                                                             "folder")
    refused(tmp_path, "exercise", "--sizes", 100, 100, 1, "-o", "new/sheets",
            says="at most 10,000 weights")
    assert not (tmp_path / "new").exists()  # no folder made for nothing


def test_a_failed_write_leaves_every_file_of_the_set_as_it_was(tmp_path):
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(f"old {name}\n")
    (tmp_path / "b.md").chmod(0o600)

    def fails(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    before = folder_state(tmp_path)
    with pytest.raises(ng.NetworkError, match=r"cannot write .*c\.md: could not write the new "
                                              r"content \(No space left on device\)"):
        write_together([(tmp_path / "a.md", lambda h: h.write(b"new a")),
                        (tmp_path / "b.md", lambda h: h.write(b"new b")),
                        (tmp_path / "c.md", fails)])
    assert folder_state(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md", "c.md"]
    write_together([(tmp_path / "a.md", lambda h: h.write(b"new a")),
                    (tmp_path / "b.md", lambda h: h.write(b"new b"))])
    assert (tmp_path / "b.md").read_bytes() == b"new b"
    assert oct((tmp_path / "b.md").stat().st_mode & 0o777) == oct(0o600)


def test_marks_replace_a_planted_symlink(key):
    (key / "victim.txt").write_text("the victim\n")
    (key / "marks.csv").symlink_to("victim.txt")
    runs(key, "grade", "key.json", "answers.csv", "-o", "marks.csv")
    assert (key / "victim.txt").read_text() == "the victim\n"
    assert not (key / "marks.csv").is_symlink()
    assert (key / "marks.csv").read_text().startswith("student,value,written")


def test_grade_will_not_write_the_marks_over_the_answers(key):
    refused(key, "grade", "key.json", "answers.csv", "-o", "answers.csv",
            says="would overwrite the class's answers")
    refused(key, "grade", "key.json", "answers.csv", "-o", "./answers.csv",
            says="would overwrite the class's answers")


# ------------------------------------------------------------------ further probes

@pytest.mark.parametrize("data, says", [
    ("\n".join(README_CLASS.splitlines()).encode("utf-16"), "is UTF-16 text; expected UTF-8"),
    ((README_CLASS + "Zoë,1\n").encode("latin-1"), "is not UTF-8; expected UTF-8 text"),
    (b"", "must start with a header row"),
    (b"name,in_3\nAda,1\n", "must start with a header row: student"),
])
def test_csv_files_in_other_encodings_or_shapes_are_refused_in_one_line(key, data, says):
    (key / "odd.csv").write_bytes(data)
    refused(key, "grade", "key.json", "odd.csv", says=says)


def test_a_semicolon_csv_with_decimal_commas_is_marked():
    text = README_CLASS.replace(",", ";").replace('"w_3;5"', '"w_3,5"').replace(".", ",")
    assert ng.grade(EXERCISE_7, text).totals() == ng.grade(EXERCISE_7, README_CLASS).totals()


def test_a_decimal_comma_is_read_in_any_csv_and_written_back_as_a_number():
    grades = ng.grade(EXERCISE_7, 'student,in_3,a_3\nAda,"0,25","-0,3"\nBen,"1,2,3",\n')
    assert [m.status for m in grades.marks] == ["right", "wrong", "unreadable", "empty"]
    rows = marks_of(grades.to_csv())
    assert [row[2] for row in rows[1:4]] == ["0,25", "-0,3", "1,2,3"]


def test_extra_cells_are_reported_and_short_rows_marked_empty():
    grades = ng.grade(EXERCISE_7, "student,in_3,a_3\nAda,0.25,0.56,7\nBen,0.25\n")
    assert grades.problems == ("row 2: 4 cells and the header 3; the cells past column 3 are "
                               "not marked",)
    assert [m.status for m in grades.marks] == ["right", "right", "right", "empty"]


def test_many_problems_are_counted_not_all_printed():
    text = "student," + ",".join(f"bogus{k}" for k in range(100)) + "\nAda\n"
    grades = ng.grade(EXERCISE_7, text)
    lines = str(grades).splitlines()
    assert len(grades.problems) == 100 and len(lines) == 1 + 20 + 1
    assert lines[-1] == "! … and 80 more problems"
    assert str(ng.grade(EXERCISE_7, "student,in_3\n")) == "no students"


def test_a_students_copy_grades_and_a_network_file_is_no_key(key):
    ng.load_exercise(key / "key.json").save(key / "student.json", answers=False)
    assert runs(key, "grade", "student.json", "answers.csv").startswith("Ada: 5 of 5 right")
    runs(key, "new", "layered", 2, 2, 1, "-o", "net.json")
    refused(key, "grade", "net.json", "answers.csv", says="format: expected "
                                                          "'neurograph-exercise'")
    refused(key, "grade", "key.json", "answers\nx.csv", says="answers\\nx.csv: no such file")


@pytest.mark.parametrize("args, says", [
    (("--variants", 0), "--variants must be from 1 to 1,000; received 0"),
    (("--variants", 10 ** 6), "--variants must be from 1 to 1,000"),
    (("--seed", 2 ** 64), "seed must be a whole number ≥ 0 and < 2^64"),
    (("--significant", 0), "significant (figures) must be a whole number from 1 to 17"),
    (("--lr", "nan"), "lr must be finite"),
    (("--digits", 99), "digits must be a whole number from 0 to 17"),
])
def test_hostile_exercise_command_lines_get_one_line(tmp_path, args, says):
    refused(tmp_path, "exercise", *args, "-o", "sheets", says=says)
    assert not (tmp_path / "sheets").exists()


def test_saving_to_a_path_that_is_no_path_is_refused():
    with pytest.raises(ng.NetworkError, match="an exercise file's name must be a str or a path; "
                                              "received 7"):
        EXERCISE_7.save(7)
    with pytest.raises(ng.NetworkError, match="the grades' file name must be a str or a path"):
        ng.grade(EXERCISE_7, README_CLASS).to_csv(["marks.csv"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_exercise_files_load_or_raise_a_network_error(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "ex.json"
    path.write_text(data.draw(mutated(EXERCISE_7.to_bytes().decode())), encoding="utf-8")
    try:
        ex = ng.load_exercise(path)
    except ng.NetworkError as error:
        assert len(str(error)) < 1000 and "\n" not in str(error).strip()
    else:
        ex.to_latex(answers=bool(ex.answers))
        ex.save(folder / "again.json")
        assert ng.load_exercise(folder / "again.json").to_document() == ex.to_document()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.sampled_from(list('student,in_3a_Δ"\n\r;0.25-−e9nf\t\x00 é')),
                    max_size=80))
@example(text='student,in_3\n"')
@example(text="student\r\r\n,\x00")
def test_any_csv_text_is_marked_or_refused_with_a_network_error(text):
    try:
        grades = ng.grade(EXERCISE_7, "student,in_3\n" + text)
    except ng.NetworkError as error:
        assert "\n" not in str(error)
    else:
        str(grades), grades.to_csv()


@pytest.mark.parametrize("grid", [1e-300, 1e-20, 3.0, 1e300])
def test_a_grid_out_of_range_is_refused(grid):
    with pytest.raises(ng.NetworkError, match=r"grid must be from 1e-06 to 2 \(the weights are "
                                              r"drawn from ±\[grid, 2\]\)"):
        ng.exercise(grid=grid)


def test_an_exercise_file_with_a_network_too_big_for_hand_work_is_refused(key):
    big = ng.Network.layered([100, 100, 1]).to_document()
    with pytest.raises(ng.NetworkError, match="bad.json: an exercise is worked by hand: its "
                                              "network may have at most 10,000 weights"):
        ng.load_exercise(edited(key, network=big, x=[0.5] * 100, questions=["in_101"],
                                answers={}))


def test_a_pipe_given_as_answers_or_exercise_is_refused_without_reading(tmp_path):
    """The kit reads files as the files layer does: regular files only, never a pipe that
    would wait for a writer."""
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    with pytest.raises(ng.NetworkError, match="is not a regular file"):
        ng.grade(EXERCISE_7, fifo)
    with pytest.raises(ng.NetworkError, match="is not a regular file"):
        ng.load_exercise(fifo)


@pytest.mark.parametrize("call, says", [
    (lambda: ng.exercise(title=7), "title must be text of at most 200 characters; received 7"),
    (lambda: ng.exercise(course="x" * 201), "course must be text of at most 200 characters"),
    (lambda: ng.exercise(keep_weights="yes"), "keep_weights must be"),
    (lambda: ng.exercise(network=ng.Network.layered([2, 1]), keep_weights=True, x=[1]),
     "x must"),
    (lambda: ng.exercise_pdf(EXERCISE_7, "class.pdf"), "exercises must be a non-empty list"),
    (lambda: ng.exercise_pdf([EXERCISE_7], "class.txt"), "class.txt"),
    (lambda: ng.grade(EXERCISE_7, README_CLASS, follow_through="yes"),
     "follow_through must be True or False; received 'yes'"),
    (lambda: ng.grade(EXERCISE_7, README_CLASS).to_csv(layout="tall"),
     "layout must be 'long' or 'wide'; received 'tall'"),
    (lambda: ng.check_answers(EXERCISE_7.network, EXERCISE_7.x, EXERCISE_7.y,
                              {"a_3": "0,5,6"}), "answer for a_3 must be a real number"),
])
def test_the_kits_new_arguments_refuse_what_they_cannot_use(tmp_path, monkeypatch, call, says):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ng.NetworkError, match=says):
        call()
    assert list(tmp_path.iterdir()) == []  # nothing written
