from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.api"
    label = "api"
