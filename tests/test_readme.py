"""The README stays true: it renders as written, its Python runs, and the output it shows is
what the example prints."""

import os
import re
import subprocess
import sys
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = str(Path(__import__("neurograph").__file__).parents[1])
"""Where the package these tests import lives: the commands run it (PYTHONPATH)."""
README = (ROOT / "README.md").read_text(encoding="utf-8")
# CommonMark, as GitHub and PyPI render it (GitHub adds tables)
TOKENS = MarkdownIt("commonmark").enable("table").parse(README)
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def blocks(language):
    """The contents of the README's code blocks of `language`, as CommonMark reads them."""
    return [token.content for token in TOKENS if token.type == "fence" and token.info == language]


def test_readme_renders_as_written():
    """Read line by line, a fence line opens a code block and the next one closes it, and a line
    of #s outside a block is a heading: CommonMark must render exactly those headings and those
    blocks, each closed by a fence alone on its line (text after a closing fence makes it an
    opening one, and the block swallows the sections that follow)."""
    lines = README.splitlines()
    headings, fenced, opened = [], [], None
    for number, line in enumerate(lines):
        if FENCE.match(line):
            if opened is None:
                opened = number
            else:
                assert line.strip() == "```", (f"README.md:{number + 1}: text after a closing "
                                               f"fence, or the block of line {opened + 1} is "
                                               f"never closed")
                fenced.append((opened, number))
                opened = None
        elif opened is None and re.match(r"#{1,6} ", line):
            headings.append(number)
    assert opened is None, f"README.md:{opened + 1}: this code block is never closed"
    assert fenced and headings

    rendered_blocks = [(token.map[0], token.map[1] - 1) for token in TOKENS
                       if token.type in ("fence", "code_block")]
    assert rendered_blocks == fenced, [f"README.md:{start + 1}–{end + 1}" for start, end
                                       in set(rendered_blocks) ^ set(fenced)]
    assert not [f"README.md:{start + 1}: {lines[start]}" for start, _ in fenced
                if lines[start].strip() not in ("```python", "```bash", "```text")]
    rendered_headings = [token.map[0] for token in TOKENS if token.type == "heading_open"]
    assert rendered_headings == headings, [f"README.md:{number + 1}: {lines[number]}" for number
                                           in set(rendered_headings) ^ set(headings)]


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the blocks save pictures into the current folder
    assert blocks("python")
    for block in blocks("python"):
        exec(compile(block, "README.md", "exec"), {})


def test_readme_shows_what_the_main_command_prints(tmp_path):
    assert "neurograph example forward\n" in blocks("bash")
    shown, = [block for block in blocks("text") if block.startswith("Hand-worked steps")]
    command = Path(sys.executable).parent / "neurograph"
    printed = subprocess.run([str(command), "example", "forward"], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert printed.strip() == shown.strip()


def test_readme_commands_are_the_ones_ci_runs():
    """CI runs the quick start's commands in the README's order (in a virtual environment of its
    own, and the main job in a folder of its own): the light set-up and the main job first, so
    that the main job is known to need nothing more, then the test extra and the tests."""
    start = README.splitlines().index("## Quick start")
    end = min(token.map[0] for token in TOKENS
              if token.type == "heading_open" and token.tag == "h2" and token.map[0] > start)
    shown = [line for token in TOKENS if token.type == "fence" and token.info == "bash"
             and start < token.map[0] < end for line in token.content.splitlines()]
    assert shown[0] == "python3 -m venv .venv && . .venv/bin/activate"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    run = [re.sub(r"^\(cd .* && (.*)\)$", r"\1", line.split("# README:")[0].strip())
           for line in ci.splitlines() if "# README:" in line]
    assert run == shown[1:] == ["pip install -e .", "neurograph example forward",
                                'pip install -e ".[test]"', "python -m pytest"]


def test_readme_shell_commands_run_as_written(tmp_path):
    """Every line of the README's shell blocks, run in order in a fresh folder that holds the
    files the README points to (the example data); set-up and the test command excepted."""
    import shutil
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    bin_folder = str(Path(sys.executable).parent)
    ran = 0
    for block in blocks("bash"):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if not command.startswith("neurograph"):
                continue  # the set-up and the tests run in CI itself
            path = os.pathsep.join([bin_folder, "/usr/bin", "/bin"])  # (pdflatex for --pdf)
            result = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True,
                                    text=True, env={"PATH": path, "HOME": str(tmp_path),
                                                    "MPLBACKEND": "Agg",
                                                    "PYTHONPATH": PACKAGE_ROOT})
            assert result.returncode == 0, (command, result.stderr)
            ran += 1
    assert ran >= 6
    for written in ("net.json", "net.png", "trained.json", "curve.png", "forward.png"):
        assert (tmp_path / written).stat().st_size > 0, written


def test_readme_shows_what_grading_prints(tmp_path):
    import shutil
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    command = Path(sys.executable).parent / "neurograph"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": PACKAGE_ROOT}
    subprocess.run([str(command), "exercise", "--kind", "sgd", "--sizes", "2", "2", "1",
                    "--seed", "7", "-o", "sheets"], cwd=tmp_path, check=True,
                   capture_output=True, env=env)
    for csv, options, first in (("answers.csv", [], "Ada: "),
                                ("carried.csv", ["--follow-through", "--wide"], "Eve: ")):
        printed = subprocess.run([str(command), "grade", "sheets/exercise_7.json",
                                  f"examples/data/{csv}", *options, "-o", "marks.csv"],
                                 cwd=tmp_path, capture_output=True, text=True, check=True,
                                 env=env).stdout
        shown, = [block for block in blocks("text") if block.startswith(first)]
        assert printed.strip() == shown.strip().replace("gradebook.csv", "marks.csv")


def test_readme_names_the_lectures_as_their_notes_do():
    """The table of lectures lists neurograph.teaching.lectures.LECTURES by their notes' own
    names, and the prose uses those names, never the development's seed numbers."""
    from neurograph.teaching.lectures import LECTURES
    rows = [line for line in README.splitlines() if line.startswith("| ")]
    for name, short in LECTURES.values():
        assert any(row.startswith(f"| {name}") for row in rows), name
        assert short in README
    assert not re.search(r"\b[Ss]eeds? 0\d\d", README)
