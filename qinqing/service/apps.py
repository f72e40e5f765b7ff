from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.service"
    label = "service"
