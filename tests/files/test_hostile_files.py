"""Hostile input to files, weights and batch norms (issue 24): each refusal is one clear
NetworkError that leaves the network and every file as they were.

The command-line probes run this checkout's code (PYTHONPATH), through the helpers of
tests/test_hostile.py.
"""

import json
import math
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import neurograph as ng
from neurograph.files import atomic, reading
from support import lecture_network, snapshot
from test_hostile import folder_state, refused, runs

ROOT = Path(__file__).resolve().parent.parent.parent
LIMIT = r"within ±1e\+100"


@pytest.fixture(autouse=True)
def _this_checkout(monkeypatch):
    """Subprocesses import this checkout's neurograph, not whichever one is installed."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


@pytest.fixture
def folder(tmp_path):
    runs(tmp_path, "new", "layered", 2, 2, 1, "-o", "net.json")
    return tmp_path


def normed():
    """The lecture network with neuron 4 batch-normalized."""
    net = lecture_network()
    net.add_batch_norm(4, gamma=1.5, beta=0.25)
    return net


def state(net):
    """Everything about a network, batch norms' numbers included."""
    return snapshot(net), net.to_document()


# ------------------------------------------------------------ one bound for every weight


@pytest.mark.parametrize("call", [
    lambda net: net.w.__setitem__((0, 3), 1e101),
    lambda net: net.w.__setitem__((0, 3), -10 ** 101),
    lambda net: net.set_weights({(0, 3): 1.0, (0, 4): 1e101}),
    lambda net: net.connect(1, 5, 1e101),
    lambda net: net.set_theta(np.r_[np.zeros(len(net.theta()) - 1), 1e101]),
    lambda net: net.set_theta([1e300] * len(net.theta())),
    lambda net: net.initialize("constant", value=1e101),
    lambda net: net.initialize(lambda i, j, rng: 2e100),
    lambda net: net.initialize("normal", epsilon=9.9e99, seed=0),  # draws beyond 1e100
    lambda net: setattr(net.neuron(4), "gamma", 1e101),
    lambda net: setattr(net.neuron(4).norm, "beta", -1e101),
], ids=["w", "w-int", "set_weights", "connect", "set_theta", "set_theta-all", "constant",
        "callable", "normal", "gamma", "beta"])
def test_no_way_in_sets_a_weight_beyond_the_limit(call):
    net = normed()
    before = state(net)
    with pytest.raises(ng.NetworkError, match=LIMIT):
        call(net)
    assert state(net) == before


def test_the_limit_itself_is_a_weight_and_an_epsilon_beyond_it_is_refused():
    net = lecture_network()
    net.w[0, 3] = -1e100
    net.set_theta(np.full(len(net.theta()), 1e100))
    assert set(net.w.values()) == {1e100}
    before = state(net)
    with pytest.raises(ng.NetworkError, match=r"epsilon \(ε\) must be ≥ 0 and below 1e\+100"):
        net.initialize(epsilon=1e300)
    with pytest.raises(ng.NetworkError, match="w_0,3 must be finite"):
        net.w[0, 3] = math.nan
    assert state(net) == before


def test_built_and_read_networks_keep_the_bound(tmp_path):
    with pytest.raises(ng.NetworkError, match=r"w_1,2 must be " + LIMIT):
        ng.Network.from_weights({(1, 2): 1e101})
    import networkx as nx
    G = nx.DiGraph()
    G.add_edge(1, 2, weight=-1e101)
    with pytest.raises(ng.NetworkError, match=r"the weight of edge \(1, 2\) must be " + LIMIT):
        ng.Network.from_networkx(G)
    rbm = ng.RBM(2, 2, seed=0)
    with pytest.raises(ng.NetworkError, match=LIMIT):
        rbm.w[1, 3] = 1e101
    doc = lecture_network().to_document()
    doc["edges"][3]["weight"] = 1e101
    (tmp_path / "big.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"big.json: edges\[3\].weight: .*" + LIMIT):
        ng.load(tmp_path / "big.json")
    doc = rbm.to_document()
    doc["edges"][0]["weight"] = -1e101
    (tmp_path / "rbm.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"rbm.json: edges\[0\].weight: .*" + LIMIT):
        ng.load(tmp_path / "rbm.json")


# ------------------------------------------------------------------- batch norms


@pytest.mark.parametrize("name, value, says", [
    ("gamma", math.nan, "gamma must be finite"),
    ("beta", math.inf, "beta must be finite"),
    ("eps", 0, "eps must be a small positive number; received 0"),
    ("eps", -1e-5, "eps must be a small positive number"),
    ("momentum", 1.5, "momentum must be from 0 to 1; received 1.5"),
    ("running_mean", math.nan, "running_mean must be finite"),
    ("running_var", -4, "running_var must be at least 0; received -4"),
    ("running_var", 10 ** 400, "running_var must be finite; received an integer of about 400 "
                               "digits"),
    ("running_var", "1", "running_var must be a real number; received '1'"),
])
def test_a_batch_norms_numbers_are_checked_where_they_are_set(name, value, says):
    net = normed()
    net.forward([3, 4])
    before = state(net)
    with pytest.raises(ng.NetworkError, match=says):
        setattr(net.neuron(4).norm, name, value)
    with pytest.raises(ng.NetworkError, match=says):
        ng.model.normalization.BatchNorm(**{name: value})
    assert state(net) == before
    net.forward([3, 4])  # still computes (it gave a traceback)
    assert state(net) == before


def test_a_training_batch_that_overflows_the_running_statistics_is_refused():
    norm = ng.model.normalization.BatchNorm(momentum=0.5)
    with pytest.raises(ng.DivergedError, match="must stay finite"):
        norm.remember(0.0, 1e308 * 10.0)  # σ_B² overflowed to ∞
    assert (norm.running_mean, norm.running_var) == (0.0, 1.0)
    norm.remember(2.0, 3.0)
    assert (norm.running_mean, norm.running_var) == (1.0, 2.0)


@pytest.mark.parametrize("value, says", [
    ("-4", "running_var must be at least 0; received -4"),
    ("0", None),  # a variance of 0 is a variance
    ("1" + "0" * 400, "running_var must be finite; received an integer of about 400 "
                      "digits"),
    ('"1"', "expected a finite number; received '1'"),
])
def test_files_check_batch_norms_by_the_same_rules(tmp_path, value, says):
    text = normed().save(tmp_path / "net.json").read_text()
    text = text.replace('"running_var": 1.0', f'"running_var": {value}')
    (tmp_path / "net.json").write_text(text)
    if says is None:
        assert ng.load(tmp_path / "net.json").neuron(4).norm.running_var == 0.0
        return
    with pytest.raises(ng.NetworkError,
                       match=rf"net.json: neurons\[4\].batch_norm.running_var: {says}"):
        ng.load(tmp_path / "net.json")


def test_a_huge_integer_is_refused_clearly_wherever_it_stands(tmp_path):
    text = normed().save(tmp_path / "net.json").read_text()
    (tmp_path / "gamma.json").write_text(text.replace('"gamma": 1.5', '"gamma": 1' + "0" * 400))
    with pytest.raises(ng.NetworkError, match=r"neurons\[4\].batch_norm.gamma: gamma must be "
                                              r"finite; received an integer of about 400 digits"):
        ng.load(tmp_path / "gamma.json")
    rbm = ng.RBM(2, 2, seed=0).save(tmp_path / "rbm.json").read_text()
    doc = json.loads(rbm)
    doc["edges"][2]["weight"] = 10 ** 400
    (tmp_path / "rbm.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"rbm.json: edges\[2\].weight: a weight must be "
                                              r"finite; received an integer of about 400 digits"):
        ng.load(tmp_path / "rbm.json")
    (tmp_path / "digits.json").write_text(text.replace('"weight": 5.0', '"weight": ' + "9" * 5000))
    with pytest.raises(ng.NetworkError, match=r"digits.json: line \d+, column \d+: an integer of "
                                              r"5,000 digits; no number in a network file has "
                                              r"more than 400") as info:
        ng.load(tmp_path / "digits.json")
    assert len(str(info.value)) < 200


# ------------------------------------------------------------------- the torch bridge


def running_var(module):
    """The module's one buffer of running variances (one batch-normalized neuron)."""
    (buffer,) = [b for name, b in module.named_buffers() if name.endswith("running_var")]
    return buffer


def test_load_torch_refuses_what_the_network_could_not_hold():
    import torch
    net = normed()
    net.forward([3, 4])
    before = state(net)
    module = net.to_torch()
    with torch.no_grad():
        running_var(module).fill_(math.nan)
    with pytest.raises(ng.NetworkError, match="neuron 4: running_var must be finite; received "
                                              "nan; nothing was loaded"):
        net.load_torch(module)
    module = net.to_torch()
    with torch.no_grad():
        module.theta[0] = 1e101
    with pytest.raises(ng.NetworkError, match="the module's θ must hold weights " + LIMIT):
        net.load_torch(module)
    module = net.to_torch()
    module.theta = None
    with pytest.raises(ng.NetworkError, match="the module's theta must be a floating-point "
                                              "tensor holding numbers; received None"):
        net.load_torch(module)
    module = net.to_torch()
    del module.theta
    module.theta = torch.zeros(len(net.theta()), dtype=torch.int64)
    with pytest.raises(ng.NetworkError, match="floating-point tensor"):
        net.load_torch(module)
    assert state(net) == before
    module = net.to_torch()
    with torch.no_grad():
        module.theta += 0.5
        running_var(module).fill_(2.0)
    net.load_torch(module)  # a sound one loads, statistics and all
    assert net.neuron(4).norm.running_var == 2.0 and net.w[0, 3] == 5.5


@pytest.mark.parametrize("kwargs, says", [
    (dict(dtype="int64"), "dtype must be a floating-point torch.dtype.*received torch.int64"),
    (dict(dtype="bool"), "dtype must be a floating-point torch.dtype.*received torch.bool"),
    (dict(dtype="float64"), r"received 'float64'"),
    (dict(dtype=np.float64), r"received <class 'numpy.float64'> \(a type\)"),
    (dict(device="tpu"), "device must be a device torch knows, such as 'cpu' or 'cuda'; "
                         "received 'tpu'"),
    (dict(device=["cpu"]), "device must be a device torch knows"),
    (dict(device="meta"), "device 'meta' holds no numbers"),
])
def test_to_torch_refuses_dtypes_and_devices_it_cannot_compute_on(kwargs, says):
    import torch
    if kwargs.get("dtype") in ("int64", "bool"):  # torch's own dtypes (named here: imported late)
        kwargs = dict(dtype=getattr(torch, kwargs["dtype"]))
    with pytest.raises(ng.NetworkError, match=says):
        lecture_network().to_torch(**kwargs)


def test_fit_on_the_meta_device_is_refused_with_the_weights_kept():
    net = lecture_network()
    before = state(net)
    with pytest.raises(ng.NetworkError, match="device 'meta' holds no numbers"):
        net.fit([[3, 4]], [[1]], engine="torch", device="meta", epochs=1)
    assert state(net) == before


def test_an_edge_list_keeps_the_bound_too(tmp_path):
    (tmp_path / "net.txt").write_text("0 3 5\n1 3 -1e101\n")
    with pytest.raises(ng.NetworkError, match=r"net.txt: line 2: the weight of edge \(1, 3\) "
                                              r"must be " + LIMIT):
        ng.load(tmp_path / "net.txt")


# ------------------------------------------------------------------- what JSON lets through


def document_text(net):
    return json.dumps(net.to_document(), indent=1)


@pytest.mark.parametrize("change, says", [
    (lambda t: t.replace('"edges": [', '"edges": [], "edges": [', 1),
     "the key 'edges' is given twice in one object"),
    (lambda t: t.replace('"format": "neurograph"', '"format": "neurograph", "format": "x"'),
     "the key 'format' is given twice"),
    (lambda t: t.replace('"weight": 5', '"weight": 5, "weight": 6', 1),
     "the key 'weight' is given twice"),
    (lambda t: t.replace('"version": 1', '"version": 1.0'), r"version: expected 1 or 2 .*1\.0"),
    (lambda t: t.replace('"version": 1', '"version": 99'), "version: expected 1 or 2"),
])
def test_json_that_a_lenient_reader_would_take_is_refused(tmp_path, change, says):
    text = document_text(lecture_network())
    (tmp_path / "net.json").write_text(change(text))
    with pytest.raises(ng.NetworkError, match="net.json: .*" + says):
        ng.load(tmp_path / "net.json")


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(format="other"), "format: expected 'neurograph'; received 'other'"),
    (lambda d: d.update(version=99), "version: expected 1 or 2 .*; received 99"),
    (lambda d: d.update(version="2"), "version: expected 1 or 2 .*; received '2'"),
    (lambda d: d.pop("format"), "format: expected 'neurograph'; received None"),
])
def test_an_rbm_document_must_say_its_format_and_a_known_version(tmp_path, change, says):
    doc = ng.RBM(2, 2, seed=0).to_document()
    change(doc)
    (tmp_path / "rbm.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match="rbm.json: " + says):
        ng.load(tmp_path / "rbm.json")
    text = ng.RBM(2, 2, seed=0).save(tmp_path / "ok.json").read_text()
    (tmp_path / "twice.json").write_text(text.replace('"kind": "rbm"', '"kind": "rbm", '
                                                                        '"visible": []'))
    with pytest.raises(ng.NetworkError, match="the key 'visible' is given twice"):
        ng.load(tmp_path / "twice.json")


@pytest.mark.parametrize("add, says", [
    (lambda d: d.update(ties=[[[2, 4], [4, 5]]]), "ties: version 1 has no ties"),
    (lambda d: d["neurons"][5].update(aggregation="max"),
     r"neurons\[5\].aggregation: version 1 has no aggregations"),
    (lambda d: d["neurons"][4].update(batch_norm={"gamma": 2.0}),
     r"neurons\[4\].batch_norm: version 1 has no batch norms"),
])
def test_a_version_1_file_holds_none_of_what_version_2_added(tmp_path, add, says):
    doc = lecture_network().to_document()
    assert doc["version"] == 1
    add(doc)
    (tmp_path / "net.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match="net.json: " + says + "; a file that holds them "
                                              "is version 2"):
        ng.load(tmp_path / "net.json")
    doc["version"] = 2
    (tmp_path / "net.json").write_text(json.dumps(doc))
    net = ng.load(tmp_path / "net.json")
    assert net.to_document()["version"] == 2


# ------------------------------------------------------------------- what a reader reads


def test_a_reader_reads_regular_files_only_and_never_forever(tmp_path):
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    with pytest.raises(ng.NetworkError, match="zero.json: is not a regular file"):
        ng.load(tmp_path / "zero.json")
    os.mkfifo(tmp_path / "pipe.txt")  # no writer: opening it must not wait for one
    result = subprocess.run([sys.executable, "-c", "import neurograph as ng, sys\n"
                             "try:\n    ng.load(sys.argv[1])\n"
                             "except ng.NetworkError as e:\n    print(e)",
                             str(tmp_path / "pipe.txt")], capture_output=True, text=True,
                            timeout=120)
    assert "pipe.txt: is not a regular file (a device, pipe or socket)" in result.stdout
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(ng.NetworkError, match="folder.json: is a folder, not a file"):
        ng.load(tmp_path / "folder.json")


def test_a_file_beyond_the_read_limit_is_refused_saying_so(tmp_path, monkeypatch):
    text = lecture_network().save(tmp_path / "net.json").read_text()
    assert reading.READ_LIMIT == 256 * 2 ** 20  # as documented
    monkeypatch.setattr(reading, "READ_LIMIT", len(text.encode()))
    assert ng.load(tmp_path / "net.json").to_document() == lecture_network().to_document()
    (tmp_path / "net.json").write_text(text + " ")
    with pytest.raises(ng.NetworkError, match=rf"net.json: larger than {len(text.encode()):,} "
                                              r"bytes, the most neurograph reads from one file; "
                                              r"expected a JSON network"):
        ng.load(tmp_path / "net.json")


def test_a_byte_order_mark_is_no_fault(tmp_path):
    text = lecture_network().save(tmp_path / "net.json").read_text()
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert ng.load(tmp_path / "bom.json").to_document() == lecture_network().to_document()


@pytest.mark.parametrize("path, says", [
    (None, "a network file's name must be a str or a path; received None"),
    (3, "a network file's name must be a str or a path; received 3"),
    (b"x.json", r"received b'x.json' \(a bytes\)"),
    ("", "a network file's name must not be empty"),
    ("a\0b.json", r"must not hold a NUL character; received a\\x00b.json"),
])
def test_what_is_not_a_file_name_is_refused(tmp_path, path, says):
    with pytest.raises(ng.NetworkError, match=says):
        ng.load(path)
    net = lecture_network()
    with pytest.raises(ng.NetworkError, match=says):
        net.save(path)
    assert state(net) == state(lecture_network())


# ------------------------------------------------------------------- paths in messages


def test_a_path_is_shown_once_shortened_and_on_one_line(folder):
    deep = "/".join(["d" * 200] * 3)
    (folder / deep).mkdir(parents=True)
    line = refused(folder, "explain", f"{deep}/net.json", "--x", 1, 2, says="no such file")
    assert line.count("ddd") < 40 and "..." in line and len(line) < 160, line
    line = refused(folder, "new", "layered", 2, 2, 1, "-o", f"{deep}/nowhere/net.json",
                   says="its folder does not exist")
    assert line.count("...") == 1 and len(line) < 200, line
    refused(folder, "explain", "a\nb.json", "--x", 1, 2, says="a\\nb.json: no such file")
    refused(folder, "explain", "\x1b[31mred.json", "--x", 1, 2,
            says="\\x1b[31mred.json: no such file")
    (folder / "zero.json").symlink_to("/dev/zero")
    refused(folder, "explain", "zero.json", "--x", 1, 2, says="zero.json: is not a regular file")
    refused(folder, "new", "layered", 2, 2, 1, "-o", "/proc/net.json",
            says="cannot write /proc/net.json: ")


# ------------------------------------------------------------------- saving


@pytest.mark.parametrize("where, says", [
    ("/proc/net.json", "cannot write /proc/net.json: "),
    ("/sys/net.json", "cannot write /sys/net.json: "),
    ("{tmp}/" + "n" * 300 + ".json", "its name is 305 bytes long; the file system allows 255"),
    ("{tmp}/missing/net.json", "its folder does not exist"),
    ("{tmp}/folder.json", "it is a folder"),
])
def test_saves_the_system_refuses_are_network_errors_that_change_nothing(tmp_path, where, says):
    (tmp_path / "folder.json").mkdir()
    before = folder_state(tmp_path)
    net = lecture_network()
    with pytest.raises(ng.NetworkError, match=re.escape(says)) as info:
        net.save(where.format(tmp=tmp_path))
    assert len(str(info.value)) < 250 and "\n" not in str(info.value)
    assert folder_state(tmp_path) == before and state(net) == state(lecture_network())


@pytest.mark.parametrize("o_tmpfile", [True, False])
def test_any_name_the_file_system_allows_can_be_saved(tmp_path, monkeypatch, o_tmpfile):
    if not o_tmpfile:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    net = ng.Network.layered([2, 3, 1], seed=4)
    for name in ("n" * 250 + ".json", "é" * 125 + ".txt", ".hidden.json"):
        assert len(os.fsencode(name)) <= 255
        path = net.save(tmp_path / name)
        assert ng.load(path).to_document() == net.to_document()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["n" * 250 + ".json", "é" * 125 + ".txt", ".hidden.json"])


def test_a_failed_write_leaves_the_file_and_the_folder_as_they_were(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)  # a named temporary file, then
    target = lecture_network().save(tmp_path / "net.json")
    before = folder_state(tmp_path)

    def full(handle):
        handle.write(b"{")
        raise OSError(28, "No space left on device")

    with pytest.raises(ng.NetworkError, match="cannot write .*net.json: could not write the new "
                                              r"content \(No space left on device\)"):
        atomic.write_atomically(target, full)
    assert folder_state(tmp_path) == before


def test_a_symbolic_link_is_replaced_never_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = lecture_network().save(elsewhere / "net.json")
    os.chmod(real, 0o600)
    before = folder_state(elsewhere)
    (tmp_path / "planted.json").symlink_to(real)
    net = ng.Network.layered([2, 3, 1], seed=1)
    assert net.save(tmp_path / "planted.json") == tmp_path / "planted.json"
    assert not (tmp_path / "planted.json").is_symlink()
    assert ng.load(tmp_path / "planted.json").to_document() == net.to_document()
    umask = os.umask(0)
    os.umask(umask)  # a new file's bits, not those of the file the link named
    assert stat.S_IMODE((tmp_path / "planted.json").stat().st_mode) == 0o666 & ~umask
    assert folder_state(elsewhere) == before
    (tmp_path / "null.json").symlink_to("/dev/null")
    net.save(tmp_path / "null.json")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(ng.NetworkError, match="cannot write .*pipe.json: it is not a regular "
                                              r"file \(a device, pipe or socket\)"):
        net.save(tmp_path / "pipe.json")
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.json").st_mode)


def test_files_written_together_are_all_written_or_none(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "sub").mkdir()

    def broken(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    writes = [(tmp_path / "a.txt", lambda h: h.write(b"new a")),
              (tmp_path / "sub" / "b.txt", lambda h: h.write(b"new b")),
              (tmp_path / "c.txt", broken)]
    before = folder_state(tmp_path)
    with pytest.raises(ng.NetworkError, match="cannot write .*c.txt: could not write the new "
                                              "content"):
        atomic.write_together(writes)
    assert folder_state(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "sub"]
    assert atomic.write_together(writes[:2]) == [tmp_path / "a.txt", tmp_path / "sub" / "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "new a"
    assert (tmp_path / "sub" / "b.txt").read_text() == "new b"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.txt", "sub"]


@pytest.mark.parametrize("o_tmpfile", [True, False])
def test_concurrent_saves_leave_one_whole_file_and_nothing_else(tmp_path, monkeypatch,
                                                                o_tmpfile):
    if not o_tmpfile:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    nets = [ng.Network.layered([30, 40, 1], seed=seed) for seed in range(4)]
    target, failures = tmp_path / "net.json", []

    def saves(net):
        try:
            for _ in range(5):
                net.save(target)
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=saves, args=(net,)) for net in nets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert ng.load(target).to_document() in [net.to_document() for net in nets]
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


# ------------------------------------------------------------------- a writer killed mid-save

WRITER = """
import os, sys, time
os.__dict__.pop("O_TMPFILE", None)  # a platform without it: named temporary files
from neurograph.files.atomic import write_together

def write(handle):
    handle.write(b"half a network")
    handle.flush()
    print("writing", flush=True)
    time.sleep(600)

write_together([(sys.argv[1], lambda handle: handle.write(b"{}")), (sys.argv[2], write)])
"""


def ours(folder):
    """The temporary and lock files of ours in `folder`."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.endswith((atomic.TEMPORARY_SUFFIX, atomic.LOCK_SUFFIX)))


def test_a_killed_writers_leftovers_go_at_once_and_a_live_writers_stay(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = lecture_network().save(tmp_path / "net.json")
    os.chmod(target, 0o600)
    before = target.read_bytes()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "first.json"),
                               str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "writing\n"
        leftovers = ours(tmp_path)  # two temporary files and the lock file
        assert len(leftovers) == 3 and all(len(name) < 80 for name in leftovers)
        net = ng.Network.layered([2, 3, 1], seed=2)
        net.save(tmp_path / "other.json")  # the writer lives: its files stay
        net.save(target)
        assert ours(tmp_path) == leftovers
        assert ng.load(target).to_document() == net.to_document()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert ours(tmp_path) == leftovers  # the killed writer's files are left …
    assert not (tmp_path / "first.json").exists()  # (none of its targets written)
    target.write_bytes(before)
    lecture_network().save(tmp_path / "other.json")  # … and the next save removes them at once
    assert ours(tmp_path) == []
    assert target.read_bytes() == before


def test_a_lock_file_removed_before_it_is_held_is_made_again(tmp_path, monkeypatch):
    hold, held = atomic._hold, []

    def racing(fd):  # another save removes the lock file in the instant before it is held
        if not held:
            (lock,) = tmp_path.glob(f"*{atomic.LOCK_SUFFIX}")
            lock.unlink()
        held.append(fd)
        return hold(fd)

    monkeypatch.setattr(atomic, "_hold", racing)
    net = lecture_network()
    net.save(tmp_path / "net.json")
    assert len(held) == 2 and [p.name for p in tmp_path.iterdir()] == ["net.json"]
    assert ng.load(tmp_path / "net.json").to_document() == net.to_document()


def test_where_no_lock_tells_a_leftover_goes_once_it_is_an_hour_old(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "fcntl", None)  # no locks here
    made = {}
    for name, token in (("fresh", "0123456789abcdef"), ("old", "fedcba9876543210"),
                        ("orphan", "00112233445566ff")):
        made[name] = [tmp_path / f".net.json.{token}-0{atomic.TEMPORARY_SUFFIX}",
                      tmp_path / f".{token}{atomic.LOCK_SUFFIX}"]
    made["orphan"].pop()  # its lock file is gone: its call is over, whatever the time
    made["earlier"] = [tmp_path / ".net.json.abcdefgh.neurograph-tmp"]  # an earlier version's
    for path in sum(made.values(), []):
        path.write_bytes(b"{")
    for path in made["old"] + made["earlier"]:
        os.utime(path, (os.path.getmtime(path) - 7200,) * 2)
    lecture_network().save(tmp_path / "net.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in made["fresh"]] + ["net.json"])


# ------------------------------------------------------------------- every field, every type

HOSTILE = [None, True, -1, 0.5, 2 ** 31, 10 ** 400, "", "x" * 10_000, [], [[]], {}, {"a": 1}]


def rich_document():
    """A version-2 document with every kind of field: a batch norm, an aggregation, a tie and
    a frozen edge."""
    net = normed()
    net.set_aggregation(5, "max")
    net.tie([(2, 4), (4, 5)])
    net.freeze(0, 3)
    return net.to_document()


def places(value, at=()):
    """The path of every field and item inside a document."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield (*at, key)
        yield from places(item, (*at, key))


@pytest.mark.parametrize("kind", ["network", "rbm"])
def test_any_value_in_any_field_loads_whole_or_is_refused_in_one_line(tmp_path, kind):
    doc = rich_document() if kind == "network" else ng.RBM(2, 2, seed=0).to_document()
    fields = sorted(set(places(doc)), key=str)
    assert len(fields) > 40
    loaded = 0
    for place in fields:
        for value in HOSTILE:
            changed = json.loads(json.dumps(doc))
            holder = changed
            for key in place[:-1]:
                holder = holder[key]
            holder[place[-1]] = value
            path = tmp_path / "f.json"
            path.write_text(json.dumps(changed))
            try:
                net = ng.load(path)
            except ng.NetworkError as error:
                assert len(str(error)) < 500 and "\n" not in str(error), (place, value)
            else:
                loaded += 1
                again = net.save(tmp_path / "again.json")
                assert ng.load(again).to_document() == net.to_document(), (place, value)
    assert loaded  # (some changes are harmless: a frozen flag, a weight of 0.5 …)


def test_an_rbm_file_lists_every_edge_so_its_size_bounds_the_rbm(tmp_path):
    V = H = 200_000  # 4 × 10¹⁰ weights: 298 GiB, were they made
    doc = {"format": "neurograph", "version": 2, "kind": "rbm", "visible": list(range(1, V + 1)),
           "hidden": list(range(V + 1, V + H + 1)), "edges": []}
    (tmp_path / "huge.json").write_text(json.dumps(doc))
    with pytest.raises(ng.NetworkError, match=r"huge.json: edges: expected every weight and bias "
                                              r"of 200000 visible and 200000 hidden neurons, "
                                              r"V·H \+ V \+ H = 40,000,400,000 edges; received 0"):
        ng.load(tmp_path / "huge.json")
    doc = ng.RBM(2, 3, seed=0).to_document()
    del doc["edges"][4]
    with pytest.raises(ng.NetworkError, match=r"the RBM: edges: expected .* = 11 edges; "
                                              r"received 10"):
        ng.RBM.from_document(doc)
    with pytest.raises(ng.NetworkError, match=r"the RBM: the top level: expected an object"):
        ng.RBM.from_document([doc])


@pytest.mark.parametrize("theta, says", [
    (np.ones((13, 1)), r"theta must have 13 values, one per entry of theta_edges\(\); received "
                       r"shape \(13, 1\)$"),
    ([[1.0, 2.0], [3.0]], "received a ragged sequence"),
    ([True] * 13, "theta must hold real numbers, not True or False"),
    (np.ones(13, dtype=bool), "not True or False"),
])
def test_theta_of_another_shape_or_of_booleans_is_refused_in_one_line(theta, says):
    net = ng.Network.layered([2, 3, 1], seed=0)
    before = state(net)
    with pytest.raises(ng.NetworkError, match=says):
        net.set_theta(theta)
    assert state(net) == before


def test_a_received_array_is_described_on_one_line():
    with pytest.raises(ng.NetworkError) as info:
        lecture_network().forward(np.ones((3, 3)))
    assert "\n" not in str(info.value) and "array([[1., 1., 1.], [1., 1., 1.]" in str(info.value)


@pytest.mark.parametrize("call, says", [
    (lambda net: net.w.__setitem__((0, 3), 10 ** 5000),
     "w_0,3 must be finite; received an integer of about 5,000 digits"),
    (lambda net: net.connect(10 ** 5000, 5, 1.0), "an integer of about 5,000 digits"),
    (lambda net: net.forward([10 ** 5000, 1]), "a list holding an integer too long to write out"),
    (lambda net: net.set_theta([10 ** 5000] * 9), "a list holding an integer too long"),
])
def test_integers_python_will_not_write_out_are_described_not_a_traceback(call, says):
    net = lecture_network()
    before = state(net)
    with pytest.raises(ng.NetworkError, match=says):
        call(net)
    assert state(net) == before
