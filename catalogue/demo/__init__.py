"""Synthetic national nodes for the demo and the harvest tests, served over real HTTP."""
