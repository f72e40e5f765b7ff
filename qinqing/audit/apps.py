from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.audit"
    label = "audit"

    def ready(self) -> None:
        from qinqing.audit import signals

        signals.connect()
