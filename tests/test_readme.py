"""The README stays true: its Python runs, and the output it shows is what the example prints."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the blocks save pictures into the current folder
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_shows_what_the_main_command_prints(tmp_path):
    assert "```bash\nneurograph example forward\n```" in README
    shown = re.search(r"```text\n(Hand-worked steps.*?)```", README, re.S).group(1)
    command = Path(sys.executable).parent / "neurograph"
    printed = subprocess.run([str(command), "example", "forward"], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert printed.strip() == shown.strip()


def test_readme_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in ('pip install -e ".[test]"', "python -m pytest"):
        assert command in README and command in ci


def test_readme_shell_commands_run_as_written(tmp_path):
    """Every line of the README's shell blocks, run in order in a fresh folder that holds the
    files the README points to (the example data); set-up and the test command excepted."""
    import shutil
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    bin_folder = str(Path(sys.executable).parent)
    ran = 0
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if not command.startswith("neurograph"):
                continue  # the set-up and the tests run in CI itself
            result = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True,
                                    text=True, env={"PATH": bin_folder, "HOME": str(tmp_path),
                                                    "MPLBACKEND": "Agg"})
            assert result.returncode == 0, (command, result.stderr)
            ran += 1
    assert ran >= 6
    for written in ("net.json", "net.png", "trained.json", "curve.png", "forward.png"):
        assert (tmp_path / written).stat().st_size > 0, written


def test_readme_shows_what_grading_prints(tmp_path):
    import shutil
    shutil.copytree(ROOT / "examples" / "data", tmp_path / "examples" / "data")
    command = Path(sys.executable).parent / "neurograph"
    subprocess.run([str(command), "exercise", "--kind", "sgd", "--sizes", "2", "2", "1",
                    "--seed", "7", "-o", "sheets"], cwd=tmp_path, check=True,
                   capture_output=True)
    printed = subprocess.run([str(command), "grade", "sheets/exercise_7.json",
                              "examples/data/answers.csv", "-o", "marks.csv"], cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    shown = re.search(r"```text\n(Ada: .*?)```", README, re.S).group(1)
    assert printed.strip() == shown.strip()
