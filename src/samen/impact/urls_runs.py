"""URLs: runs part of the impact monitor (overlap datasets, estimation runs, comparison)."""

from django.urls import path

from . import views_runs as v

urlpatterns = [
    path("analyse/overlaptabellen/", v.dataset_list, name="overlap-datasets"),
    path("analyse/overlaptabellen/nieuw/", v.dataset_upload, name="overlap-dataset-upload"),
    path("analyse/overlaptabellen/<int:pk>/", v.dataset_detail, name="overlap-dataset"),
    path("analyse/overlaptabellen/<int:pk>/schatten/", v.run_create, name="estimation-run-create"),
    path("analyse/overlaptabellen/<int:pk>/vergelijking/", v.compare, name="estimation-compare"),
    path("analyse/schattingen/<int:pk>/", v.run_detail, name="estimation-run"),
    path("analyse/schattingen/<int:pk>/voortgang/", v.run_status, name="estimation-run-status"),
    path("analyse/schattingen/<int:pk>/annuleren/", v.run_cancel, name="estimation-run-cancel"),
]
