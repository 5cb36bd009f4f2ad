"""The learning block on the page of each exploitation form and each action: its lessons
and open questions (the plan's templates load it; the plan app imports nothing of ours)."""

from __future__ import annotations

from typing import Any

from django import template

from samen.accounts import access

from ..models import Lesson, Question
from ..services import follows

register = template.Library()
SHOWN = 5


@register.inclusion_tag("learning/_panel.html", takes_context=True)
def learning_panel(context: Any, form: Any = None, action: Any = None) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    partner = access.reads_learning_space(user)
    if form is not None:
        tag, target, param = (
            {"exploitation_forms": form},
            {"exploitation_form": form},
            ("form", form.code),
        )
    else:
        tag, target, param = {"actions": action}, {"action": action}, ("action", action.code)
    lessons = access.visible_learning(user, Lesson.objects.filter(**tag)).select_related(
        "organisation"
    )
    questions = access.visible_learning(
        user, Question.objects.filter(closed_at__isnull=True, **tag)
    ).select_related("organisation")

    def title(entry: Any) -> str:
        return entry.title if partner else entry.public.get("title", "")

    return {
        "request": request,
        "partner": partner,
        "can_write": access.can_write_learning(user),
        "lessons": [(entry, title(entry)) for entry in lessons[:SHOWN]],
        "lesson_count": lessons.count(),
        "questions": [(entry, title(entry)) for entry in questions[:SHOWN]],
        "question_count": questions.count(),
        "param": param,
        "following": partner and follows(user, **target),
        "subject": form.name if form is not None else action.code,
    }


@register.inclusion_tag("learning/_harvest.html", takes_context=True)
def learning_harvest(context: Any, update: Any) -> dict[str, Any]:
    """The optional "Wat hebben we geleerd?" field and its share choice, inside the
    progress update form."""
    from ..harvest import form_for

    request = context["request"]
    data = request.POST if request.method == "POST" else None
    return {"harvest_form": form_for(update, data)}


@register.inclusion_tag("learning/_harvest_text.html", takes_context=True)
def learning_harvest_text(context: Any, update: Any) -> dict[str, Any]:
    """The answer to "Wat hebben we geleerd?" on an update that is not being edited: for
    the programme team and the update's own organisation (partners read it only as a
    lesson, when the holder shared it)."""
    from ..models import Harvest

    user = context["request"].user
    shown = access.is_programme(user) or access.is_member(user, update.organisation_id)
    harvest = Harvest.objects.filter(update=update).first() if shown else None
    return {"harvest": harvest if harvest and harvest.text.strip() else None}
