"""Django admin for the working-day calendar: days an administrator enters from the State Council's notice.

Each ``CalendarDay`` row is a public holiday (法定节假日) or an adjusted working day (调休). For a year the
``chinese_calendar`` package does not cover yet, rows fill in the notice on top of Monday–Friday; for a year
it does cover, a row is a correction that wins over the package. See :mod:`qinqing.core.workdays`.
"""

from __future__ import annotations

import chinese_calendar
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import workdays
from qinqing.core.models import CalendarDay

_WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
_COVERAGE_LABELS = {
    "official": _("official calendar"),
    "administrator": _("entered by the administrator"),
    "weekdays": _("not published — Monday–Friday assumed"),
}


class YearListFilter(admin.SimpleListFilter):
    """Filter by year; each choice says where that year's calendar comes from."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        years = {d.year for d in CalendarDay.objects.dates("date", "year")}
        this_year = timezone.localdate().year
        years |= {this_year, this_year + 1}
        return [(str(y), f"{y} · {_COVERAGE_LABELS[workdays.coverage(y)]}")
                for y in sorted(years, reverse=True)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> QuerySet[CalendarDay]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name", "package_says", "source")
    list_filter = (YearListFilter, "is_working_day")
    search_fields = ("name", "source")
    ordering = ("-date",)
    list_per_page = 100

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return f"周{_WEEKDAYS[obj.date.weekday()]}"

    @admin.display(description=_("chinese_calendar says"))
    def package_says(self, obj: CalendarDay) -> str:
        """What the package says for this date, so a correction (a row that disagrees) is visible."""
        try:
            working = chinese_calendar.is_workday(obj.date)
        except NotImplementedError:
            return "—"
        return str(_("working day") if working else _("day off"))
