from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "samtale.scheduling"
    label = "scheduling"
