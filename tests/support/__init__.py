"""Helpers shared by tests (no fixtures here; see conftest.py)."""
