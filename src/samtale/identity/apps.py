from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "samtale.identity"
    label = "identity"
    verbose_name = "Log ind"

    def ready(self):
        from samtale.core.identity import SIGN_OUT_HANDLERS
        from samtale.identity.views import provider_sign_out

        SIGN_OUT_HANDLERS.append(provider_sign_out)
