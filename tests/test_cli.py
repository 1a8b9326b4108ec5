"""The `neurograph` command, run as users run it: the installed console script, in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import neurograph as ng

SCRIPT = Path(sys.executable).parent / "neurograph"


def neurograph(*args, cwd, ok=True):
    result = subprocess.run([str(SCRIPT), *map(str, args)], cwd=cwd, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def refused(result, status, says):
    """One line on stderr naming the problem, the right exit status, and no traceback."""
    assert result.returncode == status
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr


def test_the_console_script_is_installed_and_python_m_works(tmp_path):
    assert SCRIPT.exists(), "pip install -e . installs the neurograph command"
    assert neurograph("--version", cwd=tmp_path).stdout.strip() == f"neurograph {ng.__version__}"
    module = subprocess.run([sys.executable, "-m", "neurograph", "--version"],
                            capture_output=True, text=True, check=True)
    assert module.stdout.strip() == f"neurograph {ng.__version__}"


@pytest.mark.parametrize("command", ["", "example", "new", "explain", "draw", "train"])
def test_help_everywhere(tmp_path, command):
    result = neurograph(*command.split(), "--help", cwd=tmp_path)
    assert result.stdout.startswith("usage: neurograph")


def test_example_lists_then_runs_the_forward_example(tmp_path):
    listing = neurograph("example", cwd=tmp_path).stdout
    for name in ("forward", "sgd", "xor", "symmetry", "vanishing"):
        assert name in listing
    out = neurograph("example", "forward", cwd=tmp_path).stdout
    assert "in_5 = w_0,5·a_0 + w_3,5·a_3 + w_4,5·a_4 = −1·1 + 4·0.5 + 2·0.27 = 1.54" in out
    assert "h(x) = a_5 = 0.8232 ≈ 0.82" in out and "wrote forward.png" in out
    assert (tmp_path / "forward.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name, says", [("sgd", "0.2122"), ("xor", "[0, 1, 1, 0]"),
                                        ("symmetry", "still identical"), ("vanishing", "relu")])
def test_every_example_runs(tmp_path, name, says):
    out = neurograph("example", name, "--out", tmp_path, cwd=tmp_path).stdout
    assert says in out
    assert len(list(tmp_path.glob("*.png"))) == 1


def test_new_explain_draw_train(tmp_path):
    neurograph("new", "layered", 2, 2, 1, "--seed", 0, "-o", "net.json", cwd=tmp_path)
    assert dict(ng.load(tmp_path / "net.json").w) == dict(ng.Network.layered([2, 2, 1]).w)
    neurograph("new", "skip", 2, 2, 1, "-o", "skip.txt", cwd=tmp_path)
    assert (1, 5) in ng.load(tmp_path / "skip.txt").w

    latex = neurograph("explain", "net.json", "--x", 3, 4, "--y", 1, "--lr", 0.5,
                       "--format", "latex", cwd=tmp_path).stdout
    assert r"\Delta_{5} = " in latex and r"\leftarrow" in latex
    text = neurograph("explain", "net.json", "--x", 3, 4, "--digits", 2, "--carry-rounded",
                      cwd=tmp_path).stdout
    assert text.startswith("Hand-worked steps (every value rounded to 2 decimal places")
    text = neurograph("explain", "net.json", "--x", 3, 4, "--significant", 3,
                      cwd=tmp_path).stdout
    assert text.startswith("Hand-worked steps (exact values, shown to 3 significant figures)")

    neurograph("draw", "net.json", "-o", "net.svg", "--values", "delta", "--x", 3, 4, "--y", 1,
               cwd=tmp_path)
    assert b"<svg" in (tmp_path / "net.svg").read_bytes()

    (tmp_path / "xor.csv").write_text("x1,x2,y\n# XOR\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    out = neurograph("train", "net.json", "xor.csv", "--lr", 2, "--epochs", 50,
                     "--batch-size", "full", "-o", "trained.json", "--plot", "curve.png",
                     "--no-progress", cwd=tmp_path).stdout
    assert "on 4 examples for 50 epochs" in out
    trained = ng.Network.layered([2, 2, 1])
    X, Y = ng.datasets.xor()
    trained.fit(X, Y, lr=2, epochs=50, batch_size=None)
    assert dict(ng.load(tmp_path / "trained.json").w) == dict(trained.w)
    assert (tmp_path / "curve.png").read_bytes().startswith(b"\x89PNG")

    out = neurograph("train", "net.json", "xor.csv", "--lr", 1, "--epochs", 30, "--optimizer",
                     "lbfgs", "--loss", "log", "-o", "lbfgs.json", "--no-progress",
                     cwd=tmp_path).stdout
    by_hand = ng.Network.layered([2, 2, 1])
    history = by_hand.fit(X, Y, epochs=30, optimizer="lbfgs", loss="log")
    assert f"for {history.epochs} epochs" in out
    assert dict(ng.load(tmp_path / "lbfgs.json").w) == dict(by_hand.w)
    refused(neurograph("train", "net.json", "xor.csv", "--lr", 1, "--epochs", 3, "--optimizer",
                       "newton", "-o", "x.json", cwd=tmp_path, ok=False), 2,
            "invalid choice: 'newton'")


def test_train_shows_a_progress_bar_on_a_terminal_or_when_asked(tmp_path):
    neurograph("new", "layered", 2, 1, "-o", "net.json", cwd=tmp_path)
    (tmp_path / "or.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,1\n")
    train = ("train", "net.json", "or.csv", "--lr", 1, "--epochs", 3, "-o", "t.json")
    assert neurograph(*train, cwd=tmp_path).stderr == ""  # a pipe: no bar unless asked
    asked = neurograph(*train, "--progress", cwd=tmp_path)
    assert "training" in asked.stderr and "3/3" in asked.stderr
    # on a terminal the bar is on by default
    import fcntl
    import pty
    import struct
    import termios
    command = [str(Path(sys.executable).parent / "neurograph"), *map(str, train)]
    output = []
    pid, fd = pty.fork()
    if pid == 0:  # the child: run the command on an 80-column pseudo-terminal
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.chdir(tmp_path)
        os.execv(command[0], command)
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output.append(chunk)
    os.waitpid(pid, 0)
    assert b"3/3" in b"".join(output)


def test_errors_are_one_line_and_write_nothing(tmp_path):
    neurograph("new", "layered", 2, 2, 1, "-o", "net.json", cwd=tmp_path)
    (tmp_path / "broken.json").write_text('{"format": "neurograph"')
    (tmp_path / "bad.csv").write_text("0,0,0\n0,1\n")
    (tmp_path / "xor.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    neurograph("new", "layered", 1, 3, 1, "--activation", "identity", "-o", "line.json",
               cwd=tmp_path)
    (tmp_path / "line.csv").write_text("".join(f"{x},{5 * x}\n" for x in range(-3, 4)))
    before = sorted(p.name for p in tmp_path.iterdir())
    cases = [
        (("explain", "missing.json", "--x", 1, 2), 1, "missing.json: no such file"),
        (("explain", "broken.json", "--x", 1, 2), 1, "broken.json: not valid JSON"),
        (("explain", "net.json", "--x", 1), 1, "x must have 2 values"),
        (("draw", "net.json", "-o", "out.png", "--values", "delta", "--x", 1, 2), 1,
         "--values delta needs --x and --y"),
        (("draw", "net.json", "-o", "out.jpg"), 1, "must end in .png, .svg, .pdf"),
        (("train", "net.json", "bad.csv", "--lr", 1, "--epochs", 2, "-o", "t.json"), 1,
         "bad.csv: line 2: expected 3 finite numbers"),
        (("train", "line.json", "line.csv", "--lr", 1, "--epochs", 300, "-o", "t.json",
          "--no-progress"), 1, "diverged in epoch"),
        (("train", "net.json", "xor.csv", "--lr", 1, "--epochs", 2, "--batch-size", "half",
          "-o", "t.json"), 2, "argument --batch-size: expected a whole number or 'full'"),
        (("new", "layered", 2, 0, 1, "-o", "x.json"), 1, "at least one neuron each"),
        (("new", "layered", 2, 1, "-o", "x.pickle"), 1, "must end in .json"),
        (("train", "net.json", "xor.csv", "--lr", 1, "-o", "t.json"), 2,
         "the following arguments are required: --epochs"),
        (("explain", "net.json"), 2, "required: --x"),
        (("example", "cats"), 2, "invalid choice: 'cats'"),
        (("frobnicate",), 2, "invalid choice: 'frobnicate'"),
    ]
    for args, status, says in cases:
        refused(neurograph(*args, cwd=tmp_path, ok=False), status, says)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
