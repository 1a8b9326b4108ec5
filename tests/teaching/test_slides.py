"""TikZ pictures and Beamer step-throughs, compiled for real with pdflatex (never skipped).

.ci/run installs TeX Live (base, pictures, Beamer, extra for ``standalone``) and poppler's
pdftoppm where they are missing. Each PDF is rendered to PNG and checked to hold a drawing.
"""

import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import neurograph as ng
from neurograph.numbers import format_number
from neurograph.teaching.lectures import forward_network
from support import dags_with_example, rich_dags

TOOLS = {"pdflatex": "texlive-latex-base", "pdftoppm": "poppler-utils"}


def compile_tex(path):
    """Compile `path` with pdflatex; return the PDF's path (the log is shown on failure)."""
    for tool, package in TOOLS.items():
        assert shutil.which(tool), f"{tool} is needed: apt-get install {package}"
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             path.name], cwd=path.parent, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "mktexpk" not in result.stdout + result.stderr, "a bitmap font was generated"
    return path.with_suffix(".pdf")


def pages(pdf, dpi=40):
    """The PDF's pages as arrays of RGB values in [0, 1]."""
    import matplotlib.image as mpimg
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), pdf.name, "page"], cwd=pdf.parent,
                   check=True)
    return [mpimg.imread(p)[..., :3] for p in sorted(pdf.parent.glob("page-*.png"))]


def assert_drawn(image):
    """Not a blank page: ink covers part of it, and the neurons' colours are there."""
    ink = (image.sum(axis=2) < 2.9).mean()
    assert 0.002 < ink < 0.75, f"{ink:.1%} of the page is inked"
    yellow = np.array([0xfd, 0xd3, 0x5c]) / 255  # the processing neurons' fill
    assert (np.abs(image - yellow).max(axis=2) < 0.08).mean() > 0.001


EDGE_LINE = re.compile(r"^\\draw\[edge, [^\]]*\] \(n(\d+)\) "
                       r"(?:--|\.\. controls \([^)]*\) and \([^)]*\) \.\.) "
                       r"\(n(\d+)\);(?: \\node\[weight\] at \([-0-9.]+,[-0-9.]+\) \{(.*)\};)?$")


def weight_labels(tex):
    """{(i, j): label} from the TikZ source, one edge per line."""
    found = {}
    for line in tex.splitlines():
        match = EDGE_LINE.match(line)
        if match:
            found[int(match.group(1)), int(match.group(2))] = match.group(3)
    return found


def test_the_lecture_network_in_tikz_compiles_and_labels_every_weight(tmp_path):
    net = forward_network()
    net.forward([3, 4])
    path = net.plot(tmp_path / "lecture.tex", values="a", digits=2)
    tex = path.read_text()
    labels = weight_labels(tex)
    assert set(labels) == {(i, j) for i, j in net.edges() if i != 0}
    for (i, j), label in labels.items():
        assert label == f"${format_number(net.w[i, j], 2, latex=True)}$"
    for j in net.graph.successors(0):  # the bias weights, above the neurons
        assert rf"{{$w_{{0,{j}}}={format_number(net.w[0, j], 2, latex=True)}$}}" in tex
    assert r"{$a_{5}=0.82$}" in tex
    (image,) = pages(compile_tex(path))
    assert_drawn(image)


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(net=rich_dags(), digits=st.integers(0, 4))
def test_random_dags_in_tikz_compile_with_every_weight_formatted(tmp_path_factory, net, digits):
    """Skip edges, max and product neurons, batch norm and tied edges all compile."""
    folder = tmp_path_factory.mktemp("tikz")
    path = folder / "net.tex"
    path.write_text(ng.to_tikz(net, digits=digits, bias="node"))
    labels = weight_labels(path.read_text())
    assert set(labels) == set(net.edges())
    for (i, j), label in labels.items():
        if label is None:  # no free room anywhere near the edge: the picture says so
            assert "left out: no free room" in path.read_text()
            continue
        number = label.split(" [")[0]  # a tied edge's label ends in its group, [1]
        assert number == f"${format_number(net.w[i, j], digits, latex=True)}$"
    (image,) = pages(compile_tex(path))
    assert_drawn(image)


def test_a_large_network_degrades_as_the_matplotlib_picture_does(tmp_path):
    net = ng.Network.layered([30, 40, 10], seed=0)
    tex = ng.to_tikz(net)
    assert "node[weight" not in tex  # 1,600 labels would be unreadable: none are written
    assert "-{Stealth" not in tex  # thin lines without arrowheads
    assert tex.count(r"\draw[edge") == 30 * 40 + 40 * 10
    path = tmp_path / "large.tex"
    path.write_text(tex)
    (image,) = pages(compile_tex(path))
    assert_drawn(image)


def test_the_snippet_pastes_into_a_document_of_ones_own(tmp_path):
    snippet = ng.to_tikz(forward_network(), standalone=False)
    assert snippet.startswith(r"\begin{tikzpicture}") and "documentclass" not in snippet
    path = tmp_path / "notes.tex"
    path.write_text("\\documentclass{article}\n\\usepackage{tikz}\n\\usetikzlibrary{arrows.meta}"
                    "\n\\begin{document}\nThe network:\n\n" + snippet + "\\end{document}\n")
    (image,) = pages(compile_tex(path))
    assert_drawn(image)


def beamer_pages(explanation):
    """The frames' overlays: one title page, then one page per step."""
    return 1 + len(explanation.steps)


@pytest.mark.parametrize("case", ["lecture", "softmax", "maxout", "batch_norm", "log_loss",
                                  "sparsity", "tied"])
def test_beamer_steps_through_every_kind_of_network(tmp_path, case):
    if case == "lecture":
        explanation = forward_network().explain([3, 4], [1], lr=0.5)
    elif case == "softmax":
        net = ng.Network.layered([2, 3, 3], output_activation="softmax", seed=1)
        net.connect(1, 6, 0.4)  # a skip edge
        explanation = net.explain([0.5, -1], [0, 1, 0], loss="cross_entropy", lr=0.1)
    elif case == "maxout":
        net = ng.Network.layered([2, 2, 1], activation="identity", seed=2)
        net.set_aggregation(3, "max")
        net.set_aggregation(5, "product")
        explanation = net.explain([1, -2], [0.3], lr=0.2)
    elif case == "batch_norm":
        net = ng.Network.layered([2, 2, 1], activation="tanh", seed=3)
        net.add_batch_norm(3, gamma=1.5, beta=0.2)
        explanation = net.explain([1, 2], [0.5])
    elif case == "log_loss":
        net = ng.Network.layered([2, 3, 1], activation="relu", output_activation="logistic",
                                 seed=4)
        explanation = net.explain([0.2, 0.7], [1], loss="log", lr=1.0, weight_decay=0.01)
    elif case == "sparsity":
        net = ng.Network.autoencoder(3, 2, seed=5)
        explanation = net.explain([0.1, 0.5, 0.9], [0.1, 0.5, 0.9], lr=0.5,
                                  loss="half_squared", sparsity=(0.05, 3.0),
                                  batch=[[0.1, 0.5, 0.9], [0.3, 0.2, 0.4]])
    else:
        net = ng.Network.layered([3, 2, 1], seed=6)
        net.tie([(1, 4), (2, 5)])
        explanation = net.explain([1, 2, 3], [1], lr=0.5)
    path = tmp_path / f"{case}.tex"
    path.write_text(explanation.to_beamer())
    images = pages(compile_tex(path), dpi=20)
    assert len(images) == beamer_pages(explanation)
    for image in images[:: max(1, len(images) // 6)]:
        assert_drawn(image)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(example=dags_with_example(), loss=st.sampled_from(["squared", "half_squared"]))
@example(example=(ng.Network.from_weights({(2, 3): 1.0}, activation="tanh", inputs=[1, 2],
                                          outputs=[3]), [0.0, 2.220446049250313e-16], [0.0]),
         loss="squared")  # g′ = 1 − (2.22×10^−16)²: LaTeX's "Double superscript" without ( )
@example(example=(ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}, activation="sin"), [0.3],
                  [0.2]), loss="squared")  # sin(0.2), written \sin
def test_beamer_for_random_dags_compiles_one_overlay_per_step(tmp_path_factory, example, loss):
    net, x, y = example
    explanation = net.explain(x, y, lr=0.5, loss=loss)
    path = tmp_path_factory.mktemp("beamer") / "steps.tex"
    path.write_text(explanation.to_beamer())
    tex = path.read_text()
    frames = tex.split(r"\begin{frame}")[2:]  # after the preamble and the title frame
    assert len(frames) == len(explanation.sections())
    for frame, (_, steps) in zip(frames, explanation.sections()):  # one formula per step
        assert frame.count(r"\resizebox") == len(steps)
    assert len(pages(compile_tex(path), dpi=10)) == beamer_pages(explanation)


def test_each_overlay_highlights_its_neuron_and_writes_its_value(tmp_path):
    explanation = forward_network().explain([3, 4], [1], lr=0.5)
    tex = explanation.to_beamer()
    forward = tex.split(r"\begin{frame}")[2]
    # the 9th forward step is a_5 = σ(1.5379) = 0.8232: neuron 5 ringed, a_5 written from then on
    assert r"\only<9>{\draw[current] (n5) circle" in forward
    at = r"at \(([-0-9.]+),([-0-9.]+)\)"  # where the geometry placed the label
    a_5 = re.search(r"\\only<9->\{\\node\[value, news\] " + at + r" \{\$a_\{5\}=0\.8232\$\};\}",
                    forward)
    assert a_5
    # in_5 (step 8) uses the edges into 5, written while a_5 is not yet known, at a_5's place
    assert r"\only<8>{\draw[current edge] (n3) -- (n5);}" in forward
    assert (f"\\only<8-8>{{\\node[value, news] at ({a_5[1]},{a_5[2]}) {{$in_{{5}}=1.5379$}};}}"
            in forward)
    # backpropagation: a_5 stays on every overlay, in black; Δ_5 appears at its step (4), under it
    backward = tex.split(r"\begin{frame}")[3]
    assert f"\\node[value] at ({a_5[1]},{a_5[2]}) {{$a_{{5}}=0.8232$}};" in backward
    delta_5 = re.search(r"\\only<4->\{\\node\[value, news\] " + at
                        + r" \{\$\\Delta_\{5\}=-0\.0515\$\};\}", backward)
    assert delta_5 and float(delta_5[2]) < float(a_5[2])


def test_hostile_titles_and_names_are_escaped_in_the_tex(tmp_path):
    shout = ng.Activation("my_act", g=lambda z: 2 * z, dg=lambda z: 2.0 + 0 * z,
                          symbol=r"}\input{/etc/hostname}$#%&~^_")
    net = ng.Network.from_weights({(0, 2): 0.5, (1, 2): -1.0}, activation=shout)
    title = r"50% of \input{/etc/hostname} & $x_1$ <b>{}"
    picture = tmp_path / "picture.tex"
    picture.write_text(ng.to_tikz(net, title=title))
    slides = tmp_path / "slides.tex"
    slides.write_text(net.explain([1.5], [1], lr=0.1).to_beamer(title=title))
    for path in (picture, slides):
        tex = path.read_text()
        assert r"\input{" not in tex
        compile_tex(path)
        text = subprocess.run(["pdftotext", path.with_suffix(".pdf").name, "-"],
                              cwd=tmp_path, capture_output=True, text=True, check=True).stdout
        assert "50% of" in text and "input{/etc/hostname}" in text
        assert open("/etc/hostname").read().strip() not in text.replace("hostname", "")


def test_tikz_bad_input_is_a_clear_error(tmp_path):
    net = forward_network()
    for kwargs, words in [({"values": "b"}, "values must be"), ({"digits": -1}, "digits"),
                          ({"title": 3}, "title must be text"), ({"bias": "x"}, "bias must"),
                          ({"values": "a"}, "forward(x) first"), ({"width": -2}, "width")]:
        with pytest.raises(ng.NetworkError, match=re.escape(words)):
            ng.to_tikz(net, **kwargs)
    (tmp_path / "kept.tex").write_text("mine")
    with pytest.raises(ng.NetworkError):
        net.plot(tmp_path / "kept.tex", values="delta")
    assert (tmp_path / "kept.tex").read_text() == "mine"


def test_the_command_line_draws_tikz_and_writes_beamer(tmp_path, capsys):
    from neurograph.cli import main
    net_path = forward_network().save(tmp_path / "net.json")
    picture = tmp_path / "net.tex"
    assert main(["draw", str(net_path), "-o", str(picture), "--x", "3", "4",
                 "--values", "a"]) == 0
    assert r"{$a_{5}=0.82$}" in picture.read_text()
    (image,) = pages(compile_tex(picture))
    assert_drawn(image)
    slides = tmp_path / "slides.tex"
    assert main(["explain", str(net_path), "--x", "3", "4", "--y", "1", "--lr", "0.5",
                 "--format", "beamer", "-o", str(slides)]) == 0
    assert slides.read_text().startswith(r"\documentclass[aspectratio=43]{beamer}")
    capsys.readouterr()
    assert main(["explain", str(net_path), "--x", "3", "4", "--format", "beamer"]) == 0
    assert capsys.readouterr().out.count(r"\begin{frame}") == 2


def test_saving_an_explanation_refuses_what_it_cannot_write(tmp_path, capsys):
    from neurograph.cli import main
    explanation = forward_network().explain([3, 4])
    kept = tmp_path / "kept.doc"
    kept.write_text("mine")
    with pytest.raises(ng.NetworkError, match=r"\.html, \.tex, \.md or \.txt"):
        explanation.save(kept)
    with pytest.raises(ng.NetworkError, match="must end in .html"):
        explanation.save(tmp_path / "x.tex", format="html")
    assert kept.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == [
        "kept.doc"]
    net_path = forward_network().save(tmp_path / "net.json")
    assert main(["explain", str(net_path), "--x", "3", "4", "--format", "html"]) == 1
    assert "-o x.html" in capsys.readouterr().err
    assert main(["explain", str(net_path), "--x", "3", "4", "--format", "html", "-o",
                 str(tmp_path / "no" / "x.html")]) == 1
    assert "does not exist" in capsys.readouterr().err
    for suffix in ("md", "txt", "tex", "html"):
        path = explanation.save(tmp_path / f"steps.{suffix}")
        assert path.read_text()


def test_slides_in_16_9_with_math_titles_and_values_a_room_can_read(tmp_path):
    """Issue 26 item 6: aspectratio=169, frame titles as math, values in a dark colour at
    \\small (compiled and rendered: the picture is drawn on every page)."""
    explanation = forward_network().explain([3, 4], [1], lr=0.5, digits=2)
    tex = explanation.to_beamer(aspect="16:9")
    assert tex.startswith(r"\documentclass[aspectratio=169]{beamer}")
    assert r"\begin{frame}{Partial derivatives $\partial J/\partial w_{ij} = \Delta _j a_i$}" \
        in tex and r"\begin{frame}{Forward propagation, $x = (3, 4)$}" in tex
    assert r"\definecolor{values}{HTML}{A3004F}" in tex and r"news/.style={text=values" in tex
    path = tmp_path / "wide.tex"
    path.write_text(tex)
    images = pages(compile_tex(path), dpi=20)
    assert len(images) == beamer_pages(explanation)
    assert images[0].shape[1] / images[0].shape[0] == pytest.approx(16 / 9, rel=0.02)
    with pytest.raises(ng.NetworkError, match="aspect must be one of 4:3, 16:9"):
        explanation.to_beamer(aspect="21:9")


def test_a_bias_gradient_says_what_it_is_where_the_bias_weight_stood():
    """∂J/∂w_0,3 and then the new w_0,3 take the place above neuron 3: each with its name."""
    import json
    explanation = forward_network().explain([3, 4], [1], lr=0.5)
    tex = explanation.to_beamer()
    spot = r"at \([-0-9.]+,[-0-9.]+\)"
    assert re.search(r"\\node\[bias label, news\] " + spot + r" \{\$\\partial J/\\partial "
                     r"w_\{0,3\}=", tex)
    assert re.search(r"\\node\[bias label, news\] " + spot + r" \{\$w_\{0,3\}=", tex)
    html = explanation.to_html()
    payload = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html,
                                   re.S)[1])
    written = [label[:3] for scene in payload["scenes"] for label in scene["labels"]
               if label[0] == "bias-3"]
    assert written == [["bias-3", "∂J/∂w", "0,3"], ["bias-3", "w", "0,3"]]


@pytest.mark.parametrize("bad, match", [
    (dict(title=3), r"title must be text; received 3$"),
    (dict(title=["a"]), r"title must be text; received \['a'\] \(a list\)"),
    (dict(standalone="no"), r"standalone must be True or False; received 'no'")])
def test_slides_refuse_a_bad_title_or_standalone_in_the_words_of_the_page(bad, match):
    explanation = forward_network().explain([3, 4], [1], lr=0.5)
    with pytest.raises(ng.NetworkError, match=match):
        explanation.to_beamer(**bad)
    with pytest.raises(ng.NetworkError, match=r"title must be text; received 3$"):
        explanation.to_html(title=3)
