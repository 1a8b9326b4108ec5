"""Which storage each generation of the batch engine gets: the measured costs, and the choice.

The costs are nanoseconds per example, measured by ``scripts/bench.py`` (sections 3, 3b
and 3c) on this project's 2-core machine. The engine reads these names when it compiles a
network, so a test or a benchmark may set them to force a layout.
"""

try:  # optional: CSR generations of deep DAGs (the batch engine works without it)
    import scipy.sparse  # noqa: F401
except ImportError:  # pragma: no cover - exercised by forcing SPARSE off in the tests
    SPARSE = False
else:
    SPARSE = True

__all__ = ["csr_pays", "per_entry", "storage_kind"]

# A generation whose edges fill more than this share of its block (sources × neurons) is
# stored dense: measured by scripts/bench.py, a BLAS product beats gathering edge by edge
# from about 1% up, and the two are even below it.
DENSE_ABOVE = 0.01
# A DAG that is not layered reads a generation's sources straight from the pass's array,
# a row per edge (a CSR product, scipy's), where that costs less than gathering them into
# a block: thin generations with few shared sources, the deep DAGs' kind. The costs are
# those of forward, backward and gradient together (section 3c): per edge for the CSR
# path; per source row, and per entry of the block (sources × width, a BLAS product, by
# its width), for the dense one.
CSR_PER_EDGE = 1.3
DENSE_PER_ROW = 2.0
# Below this many edges a generation's products take microseconds either way, and the CSR
# path's extra calls (a gradient per neuron) make it no faster: it stays as it is.
MIN_SPARSE_EDGES = 32
# The CSR generations' ∂J/∂w: neuron by neuron (its sources' rows times its row of Δ), or
# for consecutive generations together as one BLAS product with the rows their sources span
# (whole: the entries that are not edges are computed and dropped), whichever costs less
# for the batch at hand: ns per edge and example, and per call.
GRADIENT_PER_EDGE = 0.6
PER_NEURON_CALL = 2000.0
PER_BLOCK_CALL = 10000.0
GROUP_WIDTH = 64
# … or, for a batch of a few examples, every edge at once: its source's row of A and its
# target's row of Δ gathered, multiplied and summed (ns per edge, and per edge and example).
GATHER_PER_EDGE = 4.0
GATHER_PER_EDGE_EXAMPLE = 5.0


def per_entry(width):
    """ns per example for each entry of a BLAS product's block, by the block's width: a
    product a few rows wide runs at about a tenth of the speed of a wide one."""
    return 0.25 if width < 8 else 0.1 if width < 32 else 0.05


def storage_kind(n_edges, n_sources, width):
    """"dense" or "edges": a weight block, or an edge list (see DENSE_ABOVE)."""
    return "dense" if n_edges and n_edges > DENSE_ABOVE * n_sources * width else "edges"


def csr_pays(n_edges, n_sources, width, gated):
    """Whether reading a generation's sources edge by edge (CSR) costs less than gathering
    them into a block, by the costs measured (see CSR_PER_EDGE); never with max/product
    neurons, or without scipy."""
    if not SPARSE or not n_edges or n_edges < MIN_SPARSE_EDGES or gated:
        return False
    if storage_kind(n_edges, n_sources, width) == "edges":  # CSR reads the same rows, uncopied
        return True
    dense = n_sources * (DENSE_PER_ROW + width * per_entry(width))
    return n_edges * CSR_PER_EDGE < dense
