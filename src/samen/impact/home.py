"""The impact monitor's blocks on the home page (settings.SAMEN_HOME_PANELS): for analysts
their datasets, runs and what awaits publication; for the programme team the proposals
that await its decision. A constant number of queries, whatever the number of runs."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from samen.core.home import Panel

from . import publication, visibility
from .models import EstimationRun, OverlapDataset, PublicationProposal

RECENT = 5


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    found = []
    if visibility.can_propose(user):
        runs = EstimationRun.objects.aggregate(
            total=Count("pk"),
            active=Count("pk", filter=Q(state__in=("queued", "running"))),
        )
        found.append(
            Panel(
                "impact/home/analyst.html",
                {
                    "datasets": list(OverlapDataset.objects.order_by("-created_at")[:RECENT]),
                    "dataset_count": OverlapDataset.objects.count(),
                    "runs": list(
                        EstimationRun.objects.select_related("dataset").order_by("-created_at")[
                            :RECENT
                        ]
                    ),
                    "run_count": runs["total"],
                    "active": runs["active"],
                    "awaiting": list(publication.awaiting_decision()[:RECENT]),
                    "awaiting_count": PublicationProposal.objects.filter(
                        state=PublicationProposal.State.PROPOSED
                    ).count(),
                },
                order=5,
            )
        )
    if visibility.can_decide(user):
        awaiting = publication.awaiting_decision()
        found.append(
            Panel(
                "impact/home/programme.html",
                {"awaiting": list(awaiting[:RECENT]), "awaiting_count": awaiting.count()},
                order=15,
            )
        )
    return found
