"""The one root of the errors a user can fix (a bad file, setting, date or path; a workspace
open elsewhere): their message says what is wrong and how to fix it. The app shows them as a
plain message and the CLI prints them with exit status 2; any other exception is a bug, shown
as one. Decided by type, never by a class's name."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the message says what and how."""


class InputError(UserError, ValueError):
    """A value the user gave (an argument, a choice in the app) that cannot be used; a
    ValueError too, for callers that catch those."""
