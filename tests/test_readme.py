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
