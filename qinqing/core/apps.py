from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.core"
    label = "core"
