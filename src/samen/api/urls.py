from django.conf import settings
from django.urls import path, re_path

from .auth import router as token_router
from .base import SamenAPI, install_error_handlers, not_found
from .budget import router as budget_router
from .impact import router as impact_router
from .impact_runs import router as impact_runs_router
from .indicators import router as indicators_router
from .learning import router as learning_router
from .parliament import router as parliament_router
from .plan import router as plan_router
from .portal import router as portal_router
from .reporting import router as reporting_router

api = SamenAPI(
    title="samen API",
    version=settings.SAMEN_API_VERSION,
    description=(
        "Open interface of samen: the action plan against human trafficking (goals, action lines, "
        "actions, organisations, coverage, versions), reporting, budget and parliamentary motions. Follows the Dutch API Design Rules: "
        "kebab-case paths, camelCase parameters and properties, an API-Version header on every "
        "response, errors as application/problem+json (RFC 9457)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
install_error_handlers(api)
api.add_router("", plan_router)
api.add_router("", token_router)
api.add_router("", reporting_router)
# budget and parliament (issue 6)
api.add_router("", budget_router)
api.add_router("", parliament_router)
api.add_router("", portal_router)
# impact monitor: public figures (issue 10)
api.add_router("", impact_router)
# overlap datasets and estimates (issue 10)
api.add_router("", impact_runs_router)
# indicators with baselines and targets (issue 14)
api.add_router("", indicators_router)
# learning between partners (issue 15)
api.add_router("", learning_router)

urlpatterns = [
    path("", api.urls),
    re_path(r"^.*$", not_found),
]
