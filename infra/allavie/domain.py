"""The one door from infra/ into the Lambda's domain (``functions/chalicelib``).

Every chalicelib name the operator's tooling uses is imported here and only
here, so that a change of the domain's layout touches this file alone. Users
import it when they run (``from allavie import domain``), not at start-up:
``allavie --help`` and the deploy's AWS steps need none of it.

The package ``chalicelib`` is installed in the venv (``pip install -e .``);
``tests/functional/test_deploy_plan.py`` puts a fresh clone's ``functions/`` first
on PYTHONPATH, so a plan always reads the domain of the tree it packages.
"""

from __future__ import annotations

from chalicelib import clinic, clock, db, erasure, ledger, rights, rights_export, rights_log, settings, sweeper
from chalicelib.clock import STOCKHOLM, local
from chalicelib.models import Item

__all__ = ["STOCKHOLM", "Item", "clinic", "clock", "db", "erasure", "ledger", "local", "rights", "rights_export",
           "rights_log", "settings", "sweeper"]
