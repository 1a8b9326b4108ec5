"""scripts/compare_searches.py: runs appended as JSON lines, the README's table from --summary."""

import json
import subprocess
import sys
from pathlib import Path

from test_hostile import ENV

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "compare_searches.py"


def compare(*args, cwd):
    result = subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True,
                            text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_runs_are_appended_and_the_summary_counts_the_last_of_each_seed(tmp_path):
    for _ in range(2):
        compare("--tasks", "parity", "--searches", "cascade", "--seeds", "0", "1",
                "--out", "runs.jsonl", cwd=tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert [(r["task"], r["search"], r["seed"]) for r in rows] == [("parity", "cascade", 0),
                                                                  ("parity", "cascade", 1)] * 2
    assert all(r["accuracy"] == 1.0 and r["cpu_seconds"] >= 0.0 for r in rows)
    table = compare("--summary", "runs.jsonl", cwd=tmp_path).splitlines()
    assert len(table) == 3
    assert table[2].startswith("| parity (5 bits) | cascade | 0 1 | 100.0 ± 0.0% |")


def test_the_readme_table_is_what_the_summary_prints_from_the_kept_runs():
    runs = sorted(str(p) for p in (ROOT / "docs" / "compare_searches").glob("*.jsonl"))
    table = compare("--summary", *runs, cwd=ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table.count("\n") == 14 and table in readme
