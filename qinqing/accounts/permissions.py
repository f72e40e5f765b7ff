"""DRF permission: the same role grants as the web UI (a view names its model; scoping decides)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from qinqing.accounts import scoping


class RolePermission(BasePermission):
    """Read-only API for now: authenticated users whose role may view the endpoint's model."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        return model is None or scoping.may_view(user, model)
