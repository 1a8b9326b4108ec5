"""LSTM, GRU and simple RNN cells built from neurons, held to PyTorch's modules in float64."""

import numpy as np
import pytest
import torch

import neurograph as ng

MODULES = [
    ("rnn tanh", lambda: torch.nn.RNN(3, 4, batch_first=True)),
    ("rnn relu", lambda: torch.nn.RNN(3, 4, nonlinearity="relu", batch_first=True)),
    ("lstm", lambda: torch.nn.LSTM(3, 4, batch_first=True)),
    ("lstm without bias", lambda: torch.nn.LSTM(3, 4, bias=False, batch_first=True)),
    ("gru", lambda: torch.nn.GRU(3, 4, batch_first=True)),
    ("gru without bias", lambda: torch.nn.GRU(3, 4, bias=False, batch_first=True)),
]


def module(make, seed=0):
    torch.manual_seed(seed)
    return make().double()


@pytest.mark.parametrize("name, make", MODULES, ids=[name for name, _ in MODULES])
def test_from_torch_computes_the_modules_h_of_t(name, make):
    m = module(make)
    net = ng.Network.from_torch(m)
    X = torch.randn(3, 7, 3, dtype=torch.float64)
    h, _ = m(X)
    expected = h.detach().numpy()
    for engine in ("reference", "vectorized", "torch"):
        assert np.max(np.abs(net.predict(X.numpy(), engine=engine) - expected)) < 1e-12
    assert np.max(np.abs(net.forward_sequence(X[1].numpy()) - expected[1])) < 1e-12


@pytest.mark.parametrize("name, make", MODULES, ids=[name for name, _ in MODULES])
def test_one_sgd_step_equals_autograds(name, make):
    m = module(make, seed=1)
    net = ng.Network.from_torch(m)
    X = torch.randn(4, 5, 3, dtype=torch.float64)
    Y = torch.randn(4, 5, 4, dtype=torch.float64)
    mask = torch.ones(4, 5, 1, dtype=torch.float64)
    mask[:, :2] = 0.0  # no targets at the first two steps
    h, _ = m(X)
    J = (0.5 * ((h - Y) ** 2) * mask).sum() / len(X)  # half_squared, mean over sequences
    J.backward()
    with torch.no_grad():
        for p in m.parameters():
            p -= 0.1 * p.grad
    targets = Y.numpy().copy()
    targets[:, :2] = np.nan
    cost, _ = net.cost_and_grad(net.theta(), X.numpy(), targets, loss="half_squared")
    assert abs(cost - J.item()) < 1e-12
    net.fit(X.numpy(), targets, lr=0.1, epochs=1, batch_size=None, loss="half_squared")
    stepped = ng.Network.from_torch(m)
    assert net.edges() == stepped.edges()
    assert max(abs(net.w[key] - w) for key, w in stepped.w.items()) < 1e-12


def test_the_cells_read_as_the_lectures_draw_them():
    lstm = ng.Network.lstm(n_inputs=2, n_hidden=3, seed=0)
    ids = ng.Network.cell_ids("lstm", 2, 3)
    assert lstm.outputs == ids["h"]
    u = {part: ids[part][0] for part in ("i", "f", "g", "o", "p", "q", "c", "tc", "h")}
    assert [lstm.neuron(u[p]).activation.name for p in ("i", "f", "g", "o", "tc")] == [
        "logistic", "logistic", "tanh", "logistic", "tanh"]
    assert {p: str(lstm.neuron(u[p]).aggregation) for p in ("p", "q", "h")} == dict.fromkeys(
        ("p", "q", "h"), "product")
    assert lstm.delays[u["c"], u["q"]] == 1  # the memory
    assert lstm.predecessors(u["c"]) == [u["p"], u["q"]] and (u["p"], u["c"]) in lstm.frozen
    assert all(lstm.delays[h, u["f"]] == 1 for h in ids["h"])
    gru = ng.Network.gru(n_inputs=2, n_hidden=3, seed=0)
    g = {part: ng.Network.cell_ids("gru", 2, 3)[part][0] for part in ("z", "omz", "h", "zh")}
    assert gru.w[g["z"], g["omz"]] == -1.0 and gru.delays[g["h"], g["zh"]] == 1
    with pytest.raises(ng.NetworkError, match="one layer in one direction"):
        ng.Network.from_torch(torch.nn.LSTM(2, 3, num_layers=2))
    with pytest.raises(ng.NetworkError, match="takes a torch.nn.RNN, LSTM or GRU"):
        ng.Network.from_torch(torch.nn.Linear(2, 3))
    with pytest.raises(ng.NetworkError, match="n_hidden must be a whole number"):
        ng.Network.lstm(2, 0)
