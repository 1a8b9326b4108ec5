"""Pictures, drawn with matplotlib (imported only when a picture is drawn): the network,
and what training does to it."""
