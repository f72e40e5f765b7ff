from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.demo"
    label = "demo"
