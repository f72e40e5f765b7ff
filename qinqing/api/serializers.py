"""Read-only representations of the registry, field names as in the data exchange contract.

Foreign keys are rendered as the referenced row's natural key (department code, official id, USCC), the
same values an import file carries, so API output can be joined with contract data directly.
"""

from __future__ import annotations

from rest_framework import serializers

from qinqing.accounts.scoping import personal_id
from qinqing.registry.models import (
    Asset,
    Department,
    Enterprise,
    EnterpriseRole,
    Holding,
    Income,
    Official,
    Post,
    Relative,
)
from qinqing.risk import catalog
from qinqing.risk.models import Alert, Decision


class PersonalIdField(serializers.CharField):
    """A citizen ID number, masked for roles that may not read personal declarations (scoping decides)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return personal_id(getattr(request, "user", None), value)


class HolderIdField(PersonalIdField):
    """A shareholder's id: a person's ID number (masked as above) or a firm's USCC (public)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", **kwargs)

    def to_representation(self, holding):
        if holding.holder_type != "person":
            return holding.holder_id
        return super().to_representation(holding.holder_id)


class KeyedSerializer(serializers.ModelSerializer):
    """Rows keyed by several columns have a 64-bit id derived from their natural key (contract.keys); it
    is sent as a string because JavaScript numbers lose integers above 2^53."""

    id = serializers.CharField(read_only=True, help_text="row id (64-bit integer, as a string)")


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name", "parent", "level", "region_code", "sector"]


class PostSerializer(KeyedSerializer):
    official_name = serializers.CharField(source="official.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    duties = serializers.ListField(child=serializers.CharField(), source="duty_list", read_only=True,
                                   help_text="powers attached to the post (contract codes)")

    class Meta:
        model = Post
        fields = ["id", "official", "official_name", "department", "department_name", "title",
                  "is_top_leader", "start_date", "end_date", "duties"]


class OfficialSerializer(serializers.ModelSerializer):
    id_number = PersonalIdField()

    class Meta:
        model = Official
        fields = ["official_id", "name", "id_number", "gender", "birth_date", "rank", "party_member"]


class OfficialDetailSerializer(OfficialSerializer):
    # The view prefetches only the posts the user may see, so a department officer's view of an
    # official shows the posts in its own units and nothing else.
    posts = PostSerializer(many=True, read_only=True)

    class Meta(OfficialSerializer.Meta):
        fields = [*OfficialSerializer.Meta.fields, "posts"]


class RelativeSerializer(KeyedSerializer):
    class Meta:
        model = Relative
        fields = ["id", "official", "name", "relation", "id_number", "birth_date"]


class EnterpriseSerializer(serializers.ModelSerializer):
    legal_rep_id = PersonalIdField()

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "legal_rep_name", "legal_rep_id", "industry", "region_code",
                  "registered_capital", "established_date", "status"]


class HoldingSerializer(KeyedSerializer):
    holder_id = HolderIdField()

    class Meta:
        model = Holding
        fields = ["id", "enterprise", "holder_type", "holder_name", "holder_id", "share_ratio",
                  "start_date", "end_date"]


class EnterpriseRoleSerializer(KeyedSerializer):
    person_id = PersonalIdField()

    class Meta:
        model = EnterpriseRole
        fields = ["id", "enterprise", "person_name", "person_id", "role", "phone", "start_date", "end_date"]


class AssetSerializer(KeyedSerializer):
    class Meta:
        model = Asset
        fields = ["id", "official", "owner_name", "kind", "value", "acquired_date", "location"]


class IncomeSerializer(KeyedSerializer):
    class Meta:
        model = Income
        fields = ["id", "official", "year", "income"]


class FactSerializer(serializers.Serializer):
    """One fact of an alert's evidence; subject and object are node ids such as `official:OF1`,
    `person:<ID number>`, `enterprise:<USCC>`, `department:<code>`, `application:<id>`, `tender:<id>`."""

    subject = serializers.CharField()
    subject_label = serializers.CharField(allow_blank=True)
    relation = serializers.CharField(help_text="relation code, e.g. declared_relative, holds, decided")
    object = serializers.CharField()
    object_label = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)


class AlertEntitiesSerializer(serializers.Serializer):
    """What the alert names, as natural keys."""

    official_id = serializers.ListField(child=serializers.CharField(), required=False)
    enterprise_uscc = serializers.ListField(child=serializers.CharField(), required=False)
    application_id = serializers.ListField(child=serializers.CharField(), required=False)
    tender_id = serializers.ListField(child=serializers.CharField(), required=False)
    department_code = serializers.ListField(child=serializers.CharField(), required=False)


class AlertSerializer(serializers.ModelSerializer):
    """A risk alert 预警线索: the rule that raised it, its score and where it points."""

    rule_title_zh = serializers.SerializerMethodField()
    rule_title_en = serializers.SerializerMethodField()
    entities = AlertEntitiesSerializer(read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "rule", "rule_title_zh", "rule_title_en", "score", "severity", "summary", "status",
                  "active", "department_code", "region_code", "entities", "created_at", "updated_at",
                  "decided_at"]

    def get_rule_title_zh(self, alert: Alert) -> str:
        rule = catalog.rules().get(alert.rule)
        return rule.title_zh if rule else alert.rule

    def get_rule_title_en(self, alert: Alert) -> str:
        rule = catalog.rules().get(alert.rule)
        return rule.title_en if rule else alert.rule


class DecisionSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True, allow_null=True,
                                 help_text="who decided; null for a re-scan that reopened the alert")

    class Meta:
        model = Decision
        fields = ["action", "user", "reason", "at"]


class AlertDetailSerializer(AlertSerializer):
    """An alert with its evidence (the facts, first to last) and every decision on it, newest first."""

    evidence = FactSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "evidence", "decision_reason", "decisions"]


class TokenSerializer(serializers.Serializer):
    """The answer to a token request: send it as `Authorization: Token <token>`."""

    token = serializers.CharField(read_only=True)
