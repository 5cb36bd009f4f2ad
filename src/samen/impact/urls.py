"""URLs of the impact monitor. Each part keeps its own module; all share the
namespace ``impact``."""

from . import urls_publication, urls_registrations, urls_runs

app_name = "impact"

urlpatterns = [
    *urls_registrations.urlpatterns,  # registrations, Effect pages, detection rates
    *urls_runs.urlpatterns,  # overlap datasets, estimation runs, comparison
    *urls_publication.urlpatterns,  # proposals, approval, withdrawal
]
