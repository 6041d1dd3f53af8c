"""The clinic file's one error: the message names the place of what is wrong."""

from __future__ import annotations


class ClinicFileError(ValueError):
    """The clinic file is wrong; the message names the place."""
