from django.urls import include, path
from django.views.i18n import set_language

from samen.api.urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("i18n/setlang", set_language, name="set_language"),
    path("api/v1/", include(api_urlpatterns)),
    path("", include("samen.core.urls")),
    path("", include("samen.plan.urls")),
]
