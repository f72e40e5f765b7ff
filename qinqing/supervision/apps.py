from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.supervision"
    label = "supervision"
