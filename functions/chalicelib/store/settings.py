"""The settings' repository: the current document (one GetItem) and its changes (one transaction each).

A change is one TransactWriteItems: the current item on the condition that its version is the
one the admin read (absent for the first change, version 0: the clinic file), and the change's
own item. Two admins saving on one version: one wins, the other's condition fails (``Conflict``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.clinic import Stored
from . import tx
from .engine import Query, Range, engine
from .errors import ConditionFailed, StoreError
from .models import ClinicSettings, SettingsChange
from .models.settings import SETTINGS_PK

HISTORY_LIMIT = 200  # the newest changes the back office lists


class Conflict(StoreError):
    """The settings' version is no longer the one read: another change came first."""


@dataclass(frozen=True)
class Change:
    version: int
    at: dt.datetime
    staff_id: str
    section: str
    before: Any
    after: Any


def read(*, consistent: bool = False) -> Stored | None:
    """The stored settings, or None while the clinic file alone is in force (one GetItem)."""
    found = engine().get(ClinicSettings, ClinicSettings.key(), consistent)
    if found is None:
        return None
    return Stored(int(found.version), json.loads(found.sections))


def read_fresh() -> Stored | None:
    """As ``read``, consistently: what a change is checked against."""
    return read(consistent=True)


def write(version: int, sections: Mapping[str, Any], section: str, before: Any, after: Any,
          staff_id: str, now: dt.datetime) -> int:
    """Save ``sections`` as version ``version + 1`` with the change's record; Conflict when ``version`` is stale."""
    new_version = version + 1
    item = ClinicSettings(*ClinicSettings.key(), version=new_version,
                          sections=json.dumps(sections, ensure_ascii=False, sort_keys=True),
                          changed_at=now, changed_by=staff_id)
    condition = (ClinicSettings.pk.does_not_exist() if version == 0
                 else ClinicSettings.version == version)
    change = SettingsChange(*SettingsChange.key(new_version), version=new_version, at=now, staff_id=staff_id,
                            section=section, before=json.dumps(before, ensure_ascii=False),
                            after=json.dumps(after, ensure_ascii=False))
    writes = tx.Tx()
    writes.put("settings", item, condition)
    writes.put("change", change, SettingsChange.pk.does_not_exist())
    try:
        writes.commit()
    except ConditionFailed as failed:
        raise Conflict() from failed
    return new_version


def history(limit: int = HISTORY_LIMIT) -> list[Change]:
    """The newest changes first (one Query of the settings' partition)."""
    found = engine().query(Query(SETTINGS_PK, Range("begins", SettingsChange.prefix()), model=SettingsChange,
                                 consistent=True, limit=limit, forward=False))
    return [Change(int(c.version), c.at, c.staff_id, c.section, json.loads(c.before), json.loads(c.after))
            for c in found if isinstance(c, SettingsChange)]
