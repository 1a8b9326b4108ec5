"""The vanishing gradient through time, and the LSTM's cure (Hochreiter and Schmidhuber 1997).

One sequence of 30 steps with a single target, at the last step. BPTT carries its error back
through time: in an Elman network (tanh) |Δ_j(t)| of the hidden neurons falls by orders of
magnitude at each step back, so the first steps learn nothing from it; in an LSTM built from
neurons the memory neurons c pass Δ back through their delay-1 edge, multiplied only by the
forget gate (here opened by a bias of 3), and it reaches the first step nearly whole.
Writes vanishing_in_time.png.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402
from neurograph.engines import sequence  # noqa: E402

T = 30
X = np.random.default_rng(0).uniform(-1, 1, (T, 1))
elman = ng.Network.elman([1, 4, 1], activation="tanh", seed=0)
lstm = ng.Network.lstm(n_inputs=1, n_hidden=4, seed=0)
ids = ng.Network.cell_ids("lstm", 1, 4)
lstm.set_weights({(0, f): 3.0 for f in ids["f"]})  # the forget gates open


def deltas(net, neurons):
    """|Δ_j(t)| of `neurons` for a target 1 at the last step only (BPTT, the reference)."""
    plan = net.plan()
    seq = sequence.sequence_plan(plan)
    Y = [None] * (T - 1) + [[1.0] * len(net.outputs)]
    trace = sequence.forward_through_time(seq, plan.store.memory, X.tolist())
    delta = sequence.back_propagate_through_time(seq, plan.store.memory, trace, Y,
                                                 ng.get_loss("squared"))
    at = {j: p for p, j in enumerate(seq.ids)}
    return np.array([[abs(delta[t][at[j]]) for j in neurons] for t in range(1, T + 1)])


elman_first = np.exp(np.mean(np.log(deltas(elman, elman.hidden)[0])))
lstm_first = np.exp(np.mean(np.log(deltas(lstm, ids["c"])[0])))
print(f"|Δ(1)| from a target at t = {T}: Elman hidden {elman_first:.1e}, "
      f"LSTM memory {lstm_first:.1e}")
assert lstm_first > 1000 * elman_first
print("the LSTM's memory carries the error back; the Elman network's fades")

figure, ax = plt.subplots(figsize=(6, 3.5))
Y_elman = np.full((T, 1), np.nan)
Y_elman[-1] = 1.0
Y_lstm = np.full((T, 4), np.nan)
Y_lstm[-1] = 1.0
ng.plot_deltas(elman, X, Y_elman, ax=ax, label="Elman, hidden neurons")
ng.plot_deltas(lstm, X, Y_lstm, ax=ax, label="LSTM, memory neurons c", neurons=ids["c"])
ax.set_title(f"BPTT: |Δ(t)| from one target at t = {T}")
figure.tight_layout()
figure.savefig("vanishing_in_time.png", dpi=100)
print("wrote vanishing_in_time.png")
