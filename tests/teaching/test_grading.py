"""Marking a class from a CSV (the teacher's kit), through the API and the command line."""

import subprocess
import sys
from pathlib import Path

import pytest

import neurograph as ng

SCRIPT = Path(sys.executable).parent / "neurograph"


def class_csv(ex):
    a = ex.answers
    wrong_in_3 = a["in_3"] - ex.network.w[0, 3]  # the bias left out
    return (f"student,in_3,a_3,delta_5,delta_3,w_9,bogus\n"
            f"ann,{a['in_3']},{a['a_3']},{a['Δ_5']},{a['Δ_3']},1,2\n"
            f"bob,{wrong_in_3},{a['a_3']},{a['Δ_5']},,x,\n"
            f"cy,abc,{a['a_3']},12.5,{a['Δ_3']},,\n"
            f",1,2,3,4,5,6\n")


def test_a_class_is_marked_cell_by_cell_with_the_mistakes_named(tmp_path):
    ex = ng.exercise(kind="backprop", seed=7)
    grades = ng.grade(ex, class_csv(ex))
    assert grades.totals() == {"ann": (4, 4), "bob": (2, 4), "cy": (2, 4)}
    by_cell = {(m.student, m.name): m for m in grades.marks}
    assert by_cell["bob", "in_3"].status == "wrong" and \
        by_cell["bob", "in_3"].diagnosis == "missing_bias"
    assert by_cell["bob", "Δ_3"].status == "empty"
    assert by_cell["cy", "in_3"].status == "unreadable" and by_cell["cy", "in_3"].written == "abc"
    assert by_cell["cy", "Δ_5"].status == "wrong" and by_cell["cy", "Δ_5"].diagnosis is None
    assert grades.mistakes() == {"missing_bias": 1}
    assert grades.problems == ("column 6: 'w_9' is not a value's name",
                               "column 7: 'bogus' is not a value's name",
                               "row 5: no student named")
    written = grades.to_csv(tmp_path / "marks.csv").read_text()
    assert "bob,in_3," in written and ",wrong,0.25,missing_bias" in written
    assert "ann,total,4/4" in written


def test_a_file_without_a_header_is_refused():
    ex = ng.exercise(kind="forward", seed=1)
    with pytest.raises(ng.NetworkError, match="must start with a header row: student"):
        ng.grade(ex, "ann,1,2\nbob,3,4\n")
    with pytest.raises(ng.NetworkError, match="no_such.csv: no such file"):
        ng.grade(ex, "no_such.csv")


def test_thirty_variants_and_a_class_marked_from_the_command_line(tmp_path):
    run = lambda *args: subprocess.run([str(SCRIPT), *map(str, args)], cwd=tmp_path,  # noqa
                                       capture_output=True, text=True)
    made = run("exercise", "--kind", "sgd", "--sizes", 2, 2, 1, "--seed", 7, "--variants", 30,
               "-o", "sheets")
    assert made.returncode == 0, made.stderr
    assert len(list((tmp_path / "sheets").glob("exercise_*_key.md"))) == 30
    sheets = [p.read_text() for p in sorted((tmp_path / "sheets").glob("exercise_*[0-9].md"))]
    assert len(set(sheets)) == 30 and "____" in sheets[0]
    ex = ng.load_exercise(tmp_path / "sheets" / "exercise_7.json")
    (tmp_path / "answers.csv").write_text(class_csv(ex))
    marked = run("grade", "sheets/exercise_7.json", "answers.csv", "-o", "marks.csv")
    assert marked.returncode == 0, marked.stderr
    assert "bob: 2 of 4 right" in marked.stdout and "1 × missing_bias" in marked.stdout
    assert (tmp_path / "marks.csv").read_text().startswith("student,value,written")
