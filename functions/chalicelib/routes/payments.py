"""Routes of the payments capability (see app.py for the table of contents)."""

from __future__ import annotations

from chalice import Blueprint

bp = Blueprint(__name__)
