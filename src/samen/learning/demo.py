"""Demo entries of the learning space, loaded by `samen demo` (labelled demo data, like
the demo rounds). Written through the services, as the demo accounts would."""

from __future__ import annotations

from typing import Any

from samen.plan.models import Action, AgeGroup, ExploitationForm

from . import services
from .models import Lesson


def _tags(forms: list[str], ages: list[str], actions: int = 1) -> services.Tags:
    form_objects = list(ExploitationForm.objects.filter(code__in=forms))
    return services.Tags(
        exploitation_forms=form_objects,
        age_groups=list(AgeGroup.objects.filter(code__in=ages)),
        actions=list(
            Action.objects.filter(exploitation_forms__in=form_objects).distinct()[:actions]
        ),
    )


def load(accounts: list[Any]) -> None:
    """A few lessons and a question with an answer; once (skipped when demo entries exist)."""
    if Lesson.objects.filter(is_demo=True).exists():
        return
    users = {u.username: u for u in accounts}
    programme = users.get("programma")
    municipalities, police = users.get("gemeenten"), users.get("politie")
    others = [
        u
        for u in accounts
        if u.role in ("holder", "involved") and u not in (municipalities, police)
    ]
    if not (programme and municipalities and police and others):
        return
    first = services.create_lesson(
        municipalities,
        services.LessonData(
            title="Jongerenwerkers op school tegen criminele uitbuiting (demo)",
            context="Een middelgrote gemeente zag jongeren van 13 tot 16 jaar als drugskoerier "
            "geronseld worden via sociale media.",
            tried="Jongerenwerkers gaven samen met de wijkagent lessen in groep 8 en de "
            "brugklas, en ouders kregen een avond over signalen.",
            result="Meer meldingen van ouders en scholen binnen een half jaar; twee jongeren "
            "tijdig uit een netwerk gehaald.",
            advice="Begin in groep 8 en neem ervaringsdeskundigen mee; een folder alleen werkt niet.",
            evidence="once",
            contact_name="Demo-contactpersoon gemeente",
            contact_email=municipalities.email,
            tags=_tags(["criminal"], ["minors"]),
        ),
        is_demo=True,
    )
    second = services.create_lesson(
        others[0],
        services.LessonData(
            title="Arbeidsinspectie en zorg samen op bedrijfsbezoek (demo)",
            context="Bij controles in de land- en tuinbouw durfden arbeidsmigranten niet te praten.",
            tried="Een hulpverlener ging mee met de inspectie en sprak de werknemers apart, "
            "in hun eigen taal.",
            result="Vaker een gesprek over de werkomstandigheden; signalen eerder gedeeld.",
            advice="Spreek vooraf af wie het gesprek leidt en wat er met signalen gebeurt.",
            evidence="evaluated",
            tags=_tags(["labour"], ["adults"]),
        ),
        is_demo=True,
    )
    services.set_good_practice(programme, second, True)
    services.publish(programme, second)
    question = services.ask(
        police,
        services.QuestionData(
            title="Wie heeft ervaring met exitprogramma's voor minderjarige drugskoeriers? (demo)",
            body="We zoeken een aanpak die werkt na de eerste aanhouding.",
            tags=_tags(["criminal"], ["minors"]),
        ),
        is_demo=True,
    )
    services.answer(
        municipalities,
        question,
        "Wij werken met een vaste jongerenwerker per jongere, zie onze les over "
        f"jongerenwerkers op school (les {first.pk}).",
    )
