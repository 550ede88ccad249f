from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "samtale.deadlines"
    label = "deadlines"
