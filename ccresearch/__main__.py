"""``python -m ccresearch``: the same as the ``ccresearch`` command."""

import sys

from ccresearch.cli import main

if __name__ == "__main__":  # guarded: sweep workers are spawned and import the main module
    sys.exit(main())
