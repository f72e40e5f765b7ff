"""Core models: calendar days an administrator enters from the State Council's holiday notice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A public holiday or an adjusted working day (调休) for a year `chinese-calendar` does not cover yet.

    Entered by an administrator from the State Council's notice; overrides the Monday–Friday fallback.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday name"), max_length=100, blank=True)
    source = models.CharField(_("source notice"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")

    def __str__(self) -> str:
        return f"{self.date} {'work' if self.is_working_day else 'holiday'} {self.name}"
