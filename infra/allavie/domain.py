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

from chalicelib.core import clinic, clock, settings
from chalicelib.core.clinic import live as clinic_live
from chalicelib.core.clinic import sections as clinic_sections
from chalicelib.core.clock import STOCKHOLM, local
from chalicelib.messages import outbox
from chalicelib.payments import ledger, receipts
from chalicelib.reports import books as reports_books
from chalicelib.reports import rebuild as reports_rebuild
from chalicelib.retention import sweeper
from chalicelib.rights import details as rights
from chalicelib.rights import erasure
from chalicelib.rights import export as rights_export
from chalicelib.rights import log as rights_log
from chalicelib.staff import settings as staff_settings
from chalicelib.staff import signin as staff_signin
from chalicelib.staff import upgrade as staff_upgrade
from chalicelib.store import connection as db
from chalicelib.store import keytable, lookups, processing
from chalicelib.store.models import Item

__all__ = ["STOCKHOLM", "Item", "clinic", "clinic_live", "clinic_sections", "clock", "db",
           "erasure", "keytable", "ledger", "local", "lookups", "outbox", "processing", "receipts", "reports_books",
           "reports_rebuild", "rights", "rights_export", "rights_log", "settings", "staff_settings", "staff_signin",
           "staff_upgrade", "sweeper"]
