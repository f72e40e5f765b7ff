from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.procurement"
    label = "procurement"
