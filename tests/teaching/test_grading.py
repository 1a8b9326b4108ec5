"""Marking a class from a CSV (the teacher's kit), through the API and the command line."""

import pytest

import neurograph as ng
from test_hostile import command


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
    assert "total" not in written  # the long layout is cells only; totals are the wide one's
    wide = grades.to_csv(layout="wide").splitlines()
    assert wide[0] == "student,in_3,a_3,Δ_5,Δ_3,right,out_of,mistakes"
    assert wide[1:] == ["ann,1,1,1,1,4,4,", "bob,0,1,1,0,2,4,missing_bias", "cy,0,1,0,1,2,4,"]


def test_a_file_without_a_header_is_refused():
    ex = ng.exercise(kind="forward", seed=1)
    with pytest.raises(ng.NetworkError, match="must start with a header row: student"):
        ng.grade(ex, "ann,1,2\nbob,3,4\n")
    with pytest.raises(ng.NetworkError, match="no_such.csv: no such file"):
        ng.grade(ex, "no_such.csv")


def test_thirty_variants_and_a_class_marked_from_the_command_line(tmp_path):
    run = lambda *args: command(tmp_path, *args)  # noqa: E731 (the package under test)
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
    assert "bob: 2 of 4 right" in marked.stdout and "missing_bias: 1 student\n" in marked.stdout
    assert (tmp_path / "marks.csv").read_text().startswith("student,value,written")


def left_out_a_bias(ex, j=4):
    """A student's answers who leaves out neuron j's bias and carries on correctly from there
    (worked by hand: every value rounded and carried)."""
    worked = ng.teaching.explain.work_through(ex.network, ex.x, ex.y, lr=ex.lr,
                                              mistake=("missing_bias", j, None), digits=2,
                                              carry_rounded=True).values
    return {name: worked[name] for name in ex.questions}


def test_a_follow_on_value_names_its_cause_and_is_not_a_new_mistake():
    ex = ng.exercise(kind="backprop", seed=7)  # 2-2-1: in_4 = 0.5·1 + 2·(−0.5) + 1·(−0.5) = −1
    answers = left_out_a_bias(ex)
    assert answers["in_4"] == -1.5 and answers["a_4"] == 0.18  # σ(−1.5) = 0.1824
    report = ng.check_answers(ex.network, ex.x, ex.y, answers, digits=2, carry_rounded=True)
    by_name = {c.name: c for c in report.items}
    assert by_name["in_4"].diagnosis == "missing_bias" and by_name["in_4"].follows_from == ()
    # in_5 = 0.5 + (−1.5)·0.56 + (−2)·0.18 = −0.7 from the student's a_4 (−0.88 from 0.27)
    assert answers["in_5"] == -0.7 and by_name["in_5"].follows_from == ("a_4",)
    assert by_name["a_4"].follows_from == ("in_4",) and by_name["a_5"].follows_from == ("in_5",)
    assert all(by_name[n].diagnosis is None and not by_name[n].correct
               for n in ("a_4", "in_5", "a_5"))
    assert "↳ in_5 = −0.7: right from your a_4" in str(report)


def test_grade_credits_follow_on_values_only_when_asked():
    ex = ng.exercise(kind="backprop", seed=7)
    answers = left_out_a_bias(ex)
    row = ",".join(str(answers[n]) for n in ex.questions)
    csv = f"student,{','.join(ex.questions)}\nann,{row}\n"
    strict, lenient = ng.grade(ex, csv), ng.grade(ex, csv, follow_through=True)
    wrong = [m.name for m in strict.marks if m.status == "wrong"]
    carried = [m.name for m in lenient.marks if m.status == "follow_on"]
    assert "in_4" in wrong and set(carried) >= {"a_4", "in_5", "a_5"} and "in_4" not in carried
    assert lenient.totals()["ann"][0] == strict.totals()["ann"][0] + len(carried)
    assert strict.mistakes() == lenient.mistakes() == {"missing_bias": 1}
    assert {m.name: m.follows_from for m in strict.marks}["in_5"] == ("a_4",)
    assert "ann" in lenient._repr_html_() and "follow-on values credited" in \
        lenient._repr_html_()


def test_mistakes_are_counted_by_student_and_decimal_commas_are_read():
    ex = ng.exercise(kind="backprop", seed=7)
    a = ex.answers
    double = {name: 2 * a[name] if name.startswith("Δ") else a[name] for name in ex.questions}
    header = "student;" + ";".join(ex.questions)
    rows = [f"{who};" + ";".join(str(double[n]).replace(".", ",") for n in ex.questions)
            for who in ("ann", "bob")]
    grades = ng.grade(ex, "\n".join([header, *rows]) + "\n")
    assert not any(m.status == "unreadable" for m in grades.marks)
    codes = grades.mistakes()
    assert codes and all(count <= 2 for count in codes.values())  # two students, many cells
    report = ng.check_answers(ex.network, ex.x, ex.y, {"in_3": "0,25", "a_3": "−0,56"},
                              digits=2)
    assert [c.given for c in report.items] == [0.25, -0.56]
