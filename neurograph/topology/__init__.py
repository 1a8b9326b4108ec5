"""Growing, pruning and searching network topologies: operators, cascade-correlation, evolution."""
