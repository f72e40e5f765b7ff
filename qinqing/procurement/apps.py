from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.procurement"
    label = "procurement"

    def ready(self) -> None:
        from qinqing.accounts import scoping

        scoping._register_procurement_policies()
