from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.registry"
    label = "registry"
