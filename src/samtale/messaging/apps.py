from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "samtale.messaging"
    label = "messaging"
