from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from samen.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("i18n/setlang", set_language, name="set_language"),
    path("api/v1/", include(api_urlpatterns)),
    path("", include("samen.accounts.urls")),
    path("", include("samen.core.urls")),
    path("", include("samen.documents.urls")),  # before reporting: see documents/urls.py
    path("", include("samen.portal.urls")),
    path("", include("samen.reporting.urls")),
    path("", include("samen.notifications.urls")),
    # budget and parliament (issue 6)
    path("", include("samen.budget.urls")),
    path("", include("samen.parliament.urls")),
    path("", include("samen.impact.urls")),  # impact monitor (issue 10)
    path("", include("samen.indicators.urls")),  # indicators (issue 14)
    path("", include("samen.learning.urls")),  # learning between partners (issue 15)
    path("", include("samen.plan.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
