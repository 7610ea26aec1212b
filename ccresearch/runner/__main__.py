"""``python -m ccresearch.runner``: the runner's sub-commands on their own."""

import sys

from .cli import main

if __name__ == "__main__":  # guarded: sweep workers are spawned and import the main module
    sys.exit(main())
