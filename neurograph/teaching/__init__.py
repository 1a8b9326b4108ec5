"""Teaching: hand-worked explanations and their renderings, checking answers, the
layer-notation bridge, and the lectures' worked examples."""
