"""Files: the document every format shares (imports no Network), JSON, the edge list,
networkx graphs, paths as messages show them, reading with a cap, and writing a file whole
or not at all."""
