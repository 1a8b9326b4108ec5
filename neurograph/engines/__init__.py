"""The engines that propagate: ``reference`` (the lecture's pseudo-code, one neuron at a
time) and ``batch`` (numpy, many examples at once), tested equal to 1e-12."""
