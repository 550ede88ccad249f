from django.conf import settings


def samtale(request):
    return {"dev_login": settings.DEV_LOGIN}
