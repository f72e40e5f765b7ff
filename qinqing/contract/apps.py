from django.apps import AppConfig


class Config(AppConfig):
    name = "qinqing.contract"
    label = "contract"
