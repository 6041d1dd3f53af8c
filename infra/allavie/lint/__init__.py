"""The house's own static checks (beside ruff, mypy and import-linter), run by ``make check``."""
