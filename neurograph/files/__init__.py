"""Files: the document every format shares (imports no Network), JSON, the edge list,
networkx graphs, and writing a file whole or not at all."""
