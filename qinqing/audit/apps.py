from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.audit"
    label = "audit"
