"""The model: neurons, activations, losses, the structure's rules, and the Network itself.

Import the public names from ``neurograph``; this package imports nothing itself, so
that each module below can be imported without pulling in the others.
"""
