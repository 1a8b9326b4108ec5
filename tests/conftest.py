"""Hypothesis settings: random exploration locally; a fixed, repeatable set of examples on CI."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
