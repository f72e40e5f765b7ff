"""Models of contract tables keyed by several columns: the primary key is derived from the natural key.

`save()` and `bulk_create()` fill the id the importer would compute for the same row
(`contract.keys.natural_id`), so a row made in the admin or a test and the same row imported later are
one row, not two.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


def _values(instance: models.Model, table) -> dict:
    """Contract column → value as the importer types it ("0.60" and Decimal("0.6") are one amount)."""
    by_column = {f.column: f for f in instance._meta.concrete_fields}
    values = {}
    for column in table.column_names:
        field = by_column[column]
        value = getattr(instance, field.attname)
        values[column] = field.to_python(value) if value is not None and not field.is_relation else value
    return values


def assign_natural_id(instance: models.Model) -> None:
    from qinqing.contract.keys import natural_id
    from qinqing.contract.schema import table

    if instance.pk is None:
        contract = table(instance.contract_table)
        instance.pk = natural_id(contract, _values(instance, contract))


class NaturalKeyQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        for obj in objs:
            assign_natural_id(obj)
        return super().bulk_create(objs, *args, **kwargs)


class NaturalKeyModel(models.Model):
    contract_table: ClassVar[str]  # the contract table this model stores, e.g. "holdings"

    id = models.BigAutoField(primary_key=True)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        assign_natural_id(self)
        super().save(*args, **kwargs)
