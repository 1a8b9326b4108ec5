"""``python -m neurograph``: the same as the ``neurograph`` command."""

import sys

from .cli import main

sys.exit(main())
