"""URLs: publication part of the impact monitor."""

from django.urls import path

from . import views_publication as views

urlpatterns: list = [
    path("impact/publicatie", views.proposals, name="proposals"),
    path(
        "impact/publicatie/registraties", views.propose_registrations, name="propose-registrations"
    ),
    path("impact/publicatie/schatting/<int:run_pk>", views.propose_run, name="propose-run"),
    path("impact/publicatie/<int:pk>", views.proposal, name="proposal"),
    path("impact/publicatie/<int:pk>/<slug:step>", views.proposal_step, name="proposal-step"),
    path("impact/inzage", views.grants, name="grants"),
    path("impact/inzage/<int:register_pk>/verlenen", views.grant, name="grant"),
    path("impact/inzage/intrekken/<int:grant_pk>", views.revoke, name="revoke"),
]
