from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.risk"
    label = "risk"
    verbose_name = "Risk engine 风险预警"

    def ready(self) -> None:
        from qinqing.accounts import scoping

        scoping._register_risk_policies()
