"""Template context: the acting user's role and capabilities, for menus."""

from __future__ import annotations

from qinqing.accounts.roles import Capability


def role_context(request) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"caps": {}}
    return {"caps": {c.name.lower(): user.can(c) for c in Capability}}
