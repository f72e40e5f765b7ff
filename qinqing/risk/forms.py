"""The alert queue's filter form and the analyst's decision form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.risk.models import Alert, Decision

ANY = ("", _("Any"))


class AlertFilter(forms.Form):
    """Filters of the queue; the rule and district choices are those the user's alerts have."""

    rule = forms.ChoiceField(label=_("Rule"), required=False)
    region = forms.ChoiceField(label=_("District"), required=False)
    department = forms.CharField(label=_("Unit code (with the units below it)"), required=False,
                                 max_length=64)
    min_score = forms.FloatField(label=_("Lowest score"), required=False, min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Handling status"), required=False, choices=[ANY, *Alert.Status.choices])
    include_inactive = forms.BooleanField(label=_("Also alerts the latest scan no longer raises"),
                                          required=False)

    def __init__(self, *args, rules: list[tuple[str, str]], regions: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [ANY, *rules]
        self.fields["region"].choices = [ANY, *regions]


class DecisionForm(forms.Form):
    """Confirm (the alert becomes a clue 问题线索), dismiss with a reason, or ask for verification (核实)."""

    action = forms.ChoiceField(choices=[(a.value, a.label) for a in
                                        (Decision.Action.CONFIRM, Decision.Action.DISMISS, Decision.Action.VERIFY)])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea)

    def clean(self) -> dict:
        data = super().clean()
        # The service refuses it too; here the analyst gets the refusal in their own language.
        if data.get("action") == Decision.Action.DISMISS and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A dismissal needs a reason."))
        return data
