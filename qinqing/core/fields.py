"""Field shorthands shared by the contract models, so every money or ratio column is declared alike."""

from django.db import models


def money(**kw) -> models.DecimalField:
    """Yuan, two decimals; large enough for a province's budgets."""
    return models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True, **kw)


def ratio(**kw) -> models.DecimalField:
    return models.DecimalField(max_digits=9, decimal_places=6, **kw)
