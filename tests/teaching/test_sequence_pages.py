"""explain_sequence as the step-through page (in headless Chromium) and as Beamer frames
(compiled with pdflatex, rendered with pdftoppm), and `neurograph explain` on a recurrent
network's file. Never skipped: the tools come from Debian's packages (.ci/run)."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

import neurograph as ng
from support import recurrent_dags_with_sequences, snapshot
from test_browser import browser, highlighted, open_page, press, requests_made  # noqa: F401
from test_slides import assert_drawn, compile_tex, pages

X, Y = [[1.0], [2.0], [4.0]], [[math.nan], [0.0], [6.0]]


def small_rnn():
    """in_2(t) = 0.1 + 0.5 x(t) − a_2(t − 1), a_3(t) = 2 a_2(t) (identity neurons)."""
    return ng.Network.from_weights({(0, 2): 0.1, (1, 2): 0.5, (2, 2): -1.0, (2, 3): 2.0},
                                   delays={(2, 2): 1}, activation="identity")


def label(browser, data_id):
    return browser.execute_script(
        f"return document.querySelector(\"[data-id='{data_id}']\").textContent")


def chips(browser):
    """{t: whether its chip is lit} of the time chips."""
    return browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('button[data-time]')]"
        ".map(b => [b.dataset.time, b.classList.contains('now')]))")


def counter(browser):
    return browser.execute_script("return document.querySelector('.counter').textContent")


def test_the_page_steps_through_each_neuron_at_each_time_and_the_chips_jump(tmp_path, browser):
    net = small_rnn()
    before = snapshot(net)
    steps = net.explain_sequence(X, Y, lr=0.1)
    assert snapshot(net) == before
    text = lambda value: steps.precision.format(value)  # noqa: E731
    open_page(browser, steps.save(tmp_path / "bptt.html"))
    assert browser.title == "Backpropagation through time, step by step"
    assert chips(browser) == {"1": False, "2": False, "3": False}
    n = len(steps.steps)
    for k, step in enumerate(steps.steps, start=1):
        press(browser, "next")
        name = re.fullmatch(r"(in|a|Δ)_(\d+)\((\d+)\)", step.name)
        if name:  # the neuron lit, its value under it with the time it belongs to
            symbol, j, t = name.groups()
            assert highlighted(browser) == [int(j)], step.name
            place = "delta" if symbol == "Δ" else "value"
            assert label(browser, f"{place}-{j}") == f"{symbol}{j}({t}) = {text(step.value)}"
            assert chips(browser) == {s: s == t for s in ("1", "2", "3")}
        assert counter(browser) == f"step {k} of {n}"
    # the end: each edge shows its new weight, the delay edge still says d=1
    assert label(browser, "weight-2-2") == f"{text(steps.values['w_2,2'])} d=1"
    assert label(browser, "weight-2-3") == text(steps.values["w_2,3"])
    # a chip jumps to its time step in the pass under way: from the start, forward
    press(browser, "start")
    browser.find_element("css selector", "button[data-time='2']").click()
    names = [step.name for step in steps.steps]
    assert counter(browser) == f"step {names.index('in_2(2)') + 1} of {n}"
    assert label(browser, "value-2") == f"in2(2) = {text(steps.values['in_2(2)'])}"
    assert label(browser, "weight-2-2") == "−1 d=1"  # the weights as they were
    assert browser.execute_script("return document.querySelector('.section').innerHTML") == \
        "Forward propagation through time, T = 3, a<sub>j</sub>(t ≤ 0) = 0"
    # … and from inside backpropagation, backward: Δ_3(3) is its first step at t = 3
    press(browser, "start")
    press(browser, "next", names.index("Δ_2(1)") + 1)
    browser.find_element("css selector", "button[data-time='3']").click()
    assert counter(browser) == f"step {names.index('Δ_3(3)') + 1} of {n}"
    assert label(browser, "delta-3") == f"Δ3(3) = {text(steps.values['Δ_3(3)'])}"
    assert label(browser, "delta-2") == ""  # Δ_2 not yet reached at this step
    assert requests_made(browser) == []
    html = (tmp_path / "bptt.html").read_text(encoding="utf-8")
    assert ('content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'script-src \'unsafe-inline\'"') in html
    assert 'class="edge negative delayed" data-id="edge-2-2"' in html


def test_an_elman_networks_page_for_the_readme(tmp_path, browser):
    """An Elman network [1, 2, 1] in backpropagation at t = 2 (NEUROGRAPH_SCREENSHOTS keeps
    the README's picture): its four delay edges dotted and labelled d=1."""
    net = ng.Network.elman([1, 2, 1], activation="tanh", output_activation="identity", seed=0)
    net.set_weights({edge: round(w, 1) or 0.1 for edge, w in net.w.items()})
    steps = net.explain_sequence([[1.0], [0.0], [1.0]], [[math.nan], [1.0], [0.0]], lr=0.5,
                                 digits=3)
    open_page(browser, steps.save(tmp_path / "elman.html"))
    press(browser, "next", [s.name for s in steps.steps].index("Δ_4(3)") + 1)
    browser.find_element("css selector", "button[data-time='2']").click()
    press(browser, "next")  # from Δ_4(2) to Δ_3(2) = g′(in_3(2))·(…): 3 lit, its edges out
    assert highlighted(browser) == [3] and chips(browser)["2"]
    delta = steps.precision.format(steps.values["Δ_3(2)"])
    assert label(browser, "delta-3") == f"Δ3(2) = {delta}"
    for i, j in net.delays:
        assert label(browser, f"weight-{i}-{j}").endswith(" d=1")
    if os.environ.get("NEUROGRAPH_SCREENSHOTS"):  # tall enough to show the list's line
        browser.set_window_size(1200, 1400)
        browser.save_screenshot(str(Path(os.environ["NEUROGRAPH_SCREENSHOTS"])
                                    / "bptt_step_through.png"))
        browser.set_window_size(1200, 1000)
    assert requests_made(browser) == []


def test_the_beamer_frames_compile_in_both_aspects_one_frame_per_time_step(tmp_path):
    steps = small_rnn().explain_sequence(X, Y, lr=0.1)
    for aspect, ratio in (("4:3", "43"), ("16:9", "169")):
        path = steps.save(tmp_path / f"bptt{ratio}.tex", aspect=aspect)
        tex = path.read_text(encoding="utf-8")
        assert rf"\documentclass[aspectratio={ratio}]{{beamer}}" in tex
        titles = re.findall(r"\\begin\{frame\}\{(.*?)\}(?:\{(.*?)\})?$", tex, re.M)
        # the title frame; forward t = 1, 2, 3; backward t = 3, 2, 1; ∂J/∂w; the updates
        assert [t[0] for t in titles[1:7]] == [
            *(f"Forward propagation through time, $t = {t}$" for t in (1, 2, 3)),
            *(f"Backpropagation through time, $t = {t}$" for t in (3, 2, 1))]
        assert titles[1][1] == r"$T = 3$, $a_j(t \le  0) = 0$"
        assert len(titles) == 9
        # a_2(2) written with its time; the delay edge's new weight keeps its d=1
        assert re.search(r"\{\$a_\{2\}\(2\)=0\.5\$\}", tex)
        new = steps.precision.format(steps.values["w_2,2"], True)
        assert re.search(r"\\node\[weight, news\] at \([-0-9.,]+\) \{\$" + re.escape(new)
                         + r"\$ d=1\}", tex)
        images = pages(compile_tex(path), dpi=20)
        assert len(images) == 1 + len(steps.steps)  # a page per step, and the title's
        assert_drawn(images[5])
        for image in tmp_path.glob("page-*.png"):
            image.unlink()


def run_cli(*args, cwd):
    """`python -m neurograph`, with this checkout's package first on the path."""
    root = Path(ng.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("NEUROGRAPH_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "neurograph", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)


def test_neurograph_explain_takes_a_recurrent_network_and_a_sequence(tmp_path):
    small_rnn().save(tmp_path / "rnn.json")
    result = run_cli("explain", "rnn.json", "--x", 1, 2, 4, "--y", "nan", 0, 6, "--lr", 0.1,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(small_rnn().explain_sequence(X, Y, lr=0.1))
    result = run_cli("explain", "rnn.json", "--x", 1, 2, 4, "--y", "nan", 0, 6, "--format",
                     "html", "-o", "bptt.html", cwd=tmp_path)
    assert result.returncode == 0 and "data-time=\"3\"" in (tmp_path / "bptt.html").read_text()
    before = sorted(p.name for p in tmp_path.iterdir())
    for args, says in [
            (("--x", 1, 2, 4, "--y", 0, 6), "--y holds 1 target(s) per time step for the 3 "
                                            "steps of --x (3 values, nan for a step without "
                                            "a target); received 2 values"),
            (("--x", 1, 2, 4, "--significant", 3), "--significant is for a feedforward"),
            (("--x", 1, 2, "--carry-rounded"), "--carry-rounded is for a feedforward"),
            (("--x", 1, 2, "--lr", 0.1), "an update needs the targets"),
            (("--x", 1, "inf"), "--x must be finite numbers (nan only in --y, for a step "
                                "without a target); received 1.0 inf"),
            (("--x", "nan", 2, "--y", 1), "--x must be finite numbers")]:
        result = run_cli("explain", "rnn.json", *args, "--format", "beamer", "-o", "x.tex",
                         cwd=tmp_path)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    result = run_cli("new", "elman", 2, 2, 1, "--seed", 3, "-o", "two.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ng.load(tmp_path / "two.json").delays == ng.Network.elman([2, 2, 1]).delays
    result = run_cli("explain", "two.json", "--x", 1, 2, "--y", 1, 0, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        "neurograph explain: error: --y holds 1 target(s) per time step for the 1 step of "
        "--x (1 value, nan for a step without a target); received 2 values"]
    result = run_cli("explain", "two.json", "--x", 1, 2, 3, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        "neurograph explain: error: --x of a recurrent network is its sequence, 2 value(s) "
        "per time step (x_1(1) … x_2(1) x_1(2) …); received 3 values"]


def test_an_lstms_frames_list_the_values_beside_the_picture_where_labels_would_be_tiny(
        tmp_path):
    from neurograph.drawing.tikz import TikzPicture
    from neurograph.teaching.slides import CROWDED_PT
    net = ng.Network.lstm(n_inputs=1, n_hidden=1, seed=0)
    steps = net.explain_sequence([[0.5]], [[0.2]])
    # on the picture, its labels would be set under 8 pt in a frame (the reason for the table)
    assert TikzPicture(net, digits=4, width=9.3).label_pt < CROWDED_PT
    for aspect in ("4:3", "16:9"):
        tex = steps.to_beamer(aspect=aspect)
        frames = tex.split(r"\begin{frame}")[2:]
        forward = frames[0]
        assert r"\node[value" not in forward and "\\scriptsize\n\\begin{tabular}" in forward
        for j in net.hidden + net.outputs:  # every neuron's a_j(1) listed, ids on the picture
            assert f"$a_{{{j}}}(1)=" in forward and f"(n{j}) at" in forward
            assert re.search(rf"\(n{j}\) at \([-0-9.,]+\) \{{{j}\}};", forward)
        # ∂J/∂w_ij listed with its symbol (on the picture an edge's number stood alone)
        assert r"$\partial J/\partial w_{1,2}=" in frames[-1]
    # compiled: a 2-hidden LSTM's forward frame on 4:3, its table in two columns (the widest
    # layout; 16:9 shares the code), one time step to keep it short
    forward = ng.Network.lstm(n_inputs=2, n_hidden=2, seed=0).explain_sequence([[1.0, 0.5]])
    path = forward.save(tmp_path / "lstm.tex", aspect="4:3")
    assert r"\begin{tabular}{@{}l@{\hspace{1em}}l@{}}" in path.read_text(encoding="utf-8")
    images = pages(compile_tex(path), dpi=50)
    assert len(images) == 1 + len(forward.steps)  # no overlay past a frame's last step
    assert_drawn(images[3])


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=recurrent_dags_with_sequences(n=(1, 1), T=(1, 3)))
def test_random_recurrent_networks_page_and_frames_follow_the_steps(case):
    """Random recurrent DAGs (delay edges of 1 to 3 steps, self-loops, max and product
    neurons, ties, frozen edges): each step of the page's script is its step, at its time;
    each Beamer frame holds one time step of one pass, one overlay per step and no more."""
    net, X, Y = case
    steps = net.explain_sequence(X[0], Y[0], lr=0.1)
    T = len(X[0])
    html = steps.to_html()
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html,
                                re.S)[1])
    assert len(data["scenes"]) == len(steps.steps)
    assert re.findall(r'data-time="(\d+)"', html) == [str(t) for t in range(1, T + 1)]
    for scene, step in zip(data["scenes"], steps.steps):
        timed = re.fullmatch(r"(.+)\((\d+)\)", step.name)
        assert scene["time"] == (int(timed[2]) if timed else None)
        for place, base, sub, number, time in scene["labels"]:
            # written where the picture has the place, or the picture says it left it out
            assert f'data-id="{place}"' in html or "left out: no free room" in html
            assert number == steps.precision.format(step.value)
            if place.startswith(("value-", "delta-")):
                assert f"{base}_{sub}({time})" == step.name
    for (i, j), d in net.delays.items():
        tag = re.search(rf'data-id="weight-{i}-{j}" data-tag="([^"]*)"', html)
        assert tag is None or tag[1].endswith(f"d={d}")
    tex = steps.to_beamer()
    frames = tex.split(r"\begin{frame}")[2:]
    groups = [(step.section, re.search(r"\((\d+)\)$", step.name)) for step in steps.steps]
    runs = [[groups[0]]]
    for (section, t), previous in zip(groups[1:], groups):
        same = section == previous[0] and (t and t[1]) == (previous[1] and previous[1][1])
        runs[-1].append(section) if same else runs.append([section])
    assert [frame.count(r"\resizebox") for frame in frames] == [len(run) for run in runs]
    for frame, run in zip(frames, runs):  # no overlay past the last step (no extra page)
        assert max(map(int, re.findall(r"\\only<(\d+)", frame))) == len(run)


def test_an_lstms_page_draws_its_picture_big_enough_to_read_and_scrolls_to_the_step(
        tmp_path, browser):
    """An LSTM's page at 1280×800: every label on the picture rendered at 12 px or more (the
    picture capped at 60 % of the window set them ~7 px), the box scrolling to the neuron lit."""
    net = ng.Network.lstm(n_inputs=2, n_hidden=2, seed=0)
    steps = net.explain_sequence([[1.0, 0.5], [0.0, -1.0]], [[0.1, 0.1], [0.1, 0.1]])
    browser.set_window_size(1280, 800)
    open_page(browser, steps.save(tmp_path / "lstm.html"))
    press(browser, "end")  # every place written: values, deltas, weights with d=1
    sizes = browser.execute_script(
        "const svg = document.querySelector('svg'), s = svg.getBoundingClientRect().width"
        " / svg.viewBox.baseVal.width;"
        "return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())"
        ".map(t => [t.textContent, s * parseFloat(getComputedStyle(t).fontSize)]);")
    assert len(sizes) > 60 and any(" d=1" in text for text, _ in sizes)
    assert min(size for _, size in sizes) >= 12, min(sizes, key=lambda s: s[1])
    press(browser, "start")
    press(browser, "next", [s.name for s in steps.steps].index("a_20(1)") + 1)
    assert highlighted(browser) == [20]
    assert browser.execute_script(  # the lit neuron inside the scrolled box
        "const b = document.querySelector('.picture').getBoundingClientRect(),"
        " r = document.querySelector('.neuron.current').getBoundingClientRect();"
        "return r.left >= b.left && r.right <= b.right && r.top >= b.top"
        " && r.bottom <= b.bottom;")
    browser.set_window_size(1200, 1000)


def test_an_lstms_4_3_frames_set_every_number_at_7_pt_or_more(tmp_path):
    """On 4:3 frames an LSTM's ids were ~5 pt and its d=1 marks \\tiny: now the neurons are as
    large as their spacing allows, the delays are said once under the picture, and the
    values' table is \\scriptsize (7 pt) in as many columns as the frame's room holds."""
    from neurograph.drawing.tikz import TikzPicture
    net = ng.Network.lstm(n_inputs=2, n_hidden=2, seed=0)
    steps = net.explain_sequence([[1.0, 0.5], [0.0, -1.0]], [[0.1, 0.1], [0.1, 0.1]])
    tex = steps.to_beamer(aspect="4:3")
    frames = tex.split(r"\begin{frame}")[2:]
    width = float(re.search(r"\\begin\{minipage\}\[c\]\{([0-9.]+)cm\}", frames[0])[1])
    picture = TikzPicture(net, width=width, digits=4, bias="hide", weights=False,
                          radius="largest")
    assert picture.show_ids and picture.font_pt >= 7
    assert re.search(rf"minimum size={2 * picture.shape.radius * picture.unit:.3f}cm, "
                     r"font=\\(scriptsize|footnotesize|small|normalsize)\\bfseries", frames[0])
    for frame in frames[:4]:  # forward and backward: 18 rows, two columns at 7 pt
        assert "d=1}" not in frame and r"{\scriptsize dotted edges: delayed, $d=1$\par}" in frame
        assert "cm}\\scriptsize\n\\begin{tabular}{@{}l@{\\hspace{1em}}l@{}}" in frame
        assert re.search(r"\(n19\) at \([-0-9.,]+\) \{19\};", frame)
    # (compiled, two columns and all, in test_an_lstms_frames_list_the_values_beside_the_…)
