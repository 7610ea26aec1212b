"""The library version (one place; the build and run manifests record it)."""

__version__ = "0.1.0"
