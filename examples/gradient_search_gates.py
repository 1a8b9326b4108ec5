"""Search by gradient on the two spirals with L1 gates and with L0 (hard-concrete) gates.

Every edge of a dense two-tier DAG over 12 sin neurons (87 candidate edges) carries a gate
trained with its weight: an L1 price λ|s_ij| (``penalty="l1"``), or Louizos et al.'s
hard-concrete gates priced by the expected number of edges kept (``penalty="l0"``, where a
gate closes to exactly 0). Then the least important edges are pruned down to 60 and the rest
retrained, as ``scripts/compare_searches.py`` runs it (seed 0). The picture: for each price,
the edges that survived (solid) on the dense DAG's layout — the candidate edges pruned
between surviving neurons dashed, the neurons pruned whole left out — and the boundary,
tested on the 194 points halfway between the benchmark's.

``python examples/gradient_search_gates.py --quick`` (as the tests run it) trains 100 + 100
epochs instead of 3000 + 3000 and checks only the edge budget; the full run also checks that
the L0 gates closed some edges exactly.
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import neurograph as ng  # noqa: E402

QUICK = "--quick" in sys.argv[1:]
SCALE = 0.7
S, T = ng.datasets.spirals()
H, G = ng.datasets.spirals(phase=0.5)
S, H = S * SCALE, H * SCALE
epochs = 100 if QUICK else 3000

figure, axes = plt.subplots(2, 2, figsize=(13, 12))
for row, (penalty, strength) in enumerate([("l1", 1e-3), ("l0", 1e-3)]):
    found = ng.gradient_search(S, T, neurons=12, depth=2, max_edges=60, seed=0, penalty=penalty,
                               strength=strength, epochs=epochs, retrain_epochs=epochs)
    best = found.best
    accuracy = float(np.mean((best.predict(H)[:, 0] >= 0.5) == (G[:, 0] >= 0.5)))
    closed = sum(z == 0.0 for z in found.gates.values())
    print(f"{penalty}: {len(found.gated.w)} candidate edges, {closed} gates closed exactly, "
          f"{len(best.w)} edges kept ({len(best.hidden)} hidden neurons); held-out accuracy "
          f"{accuracy:.1%}")
    assert len(best.w) <= 60
    if not QUICK and penalty == "l0":
        assert closed > 0, "the L0 gates should close some edges exactly"
    pruned = [edge for edge in found.gated.w if edge not in best.w]
    layout, kept = ng.network_layout(found.gated), {n.id for n in best.neurons}
    best.plot(ax=axes[row, 0], pos={j: layout[j] for j in layout if j in kept},
              bias="hide", weights=False,
              removed=pruned,
              title=f"penalty='{penalty}': {len(best.w)} of {len(found.gated.w)} edges kept "
                    f"(pruned: dashed)")
    ng.plot_decision_boundary(best, H, G, ax=axes[row, 1]).set_title(
        f"penalty='{penalty}': {accuracy:.1%} of the held-out points")
figure.tight_layout()
figure.savefig("gradient_search_gates.png", dpi=80, bbox_inches="tight")
print("wrote gradient_search_gates.png")
