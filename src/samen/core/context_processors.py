from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"SAMEN_CONTACT": settings.SAMEN_CONTACT}
