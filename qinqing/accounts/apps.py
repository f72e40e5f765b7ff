from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.accounts"
    label = "accounts"

    def ready(self) -> None:
        from qinqing.accounts import scoping

        scoping._register_registry_policies()
