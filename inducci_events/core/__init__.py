"""Shared primitives used by every feature package; imports no feature."""
