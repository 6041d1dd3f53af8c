"""Operator tooling: the local stack, deployment, retention and rights commands.

Nothing here is deployed to Lambda; the runtime lives in ``functions/``.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
