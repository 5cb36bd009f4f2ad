"""Pages of the learning space. Views parse forms, ask the access module and call
services. Anyone may open the space; partners and the programme team see everything,
everyone else only published entries, and of those only the public layer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core.errors import Invalid
from samen.core.forms import add_errors
from samen.plan.models import Action, ExploitationForm

from . import attachments, network, search, services
from .forms import AnswerForm, AttachmentForm, LessonForm, QuestionForm, ReasonForm, SearchForm
from .models import Answer, Attachment, Evidence, Lesson, Question

PAGE_SIZE = 20


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponseForbidden(
        render_to_string("403.html", {"message": message}, request=request)
    )


def _lesson(request: HttpRequest, pk: int) -> Lesson:
    """The lesson if `request.user` may read it; 404 otherwise, whether it exists or not."""
    qs = Lesson.objects.select_related("organisation", "author").prefetch_related(
        "exploitation_forms", "age_groups", "action_lines", "actions", "attachments"
    )
    return get_object_or_404(access.visible_learning(request.user, qs), pk=pk)


def _question(request: HttpRequest, pk: int) -> Question:
    qs = Question.objects.select_related("organisation", "author").prefetch_related(
        "exploitation_forms", "age_groups", "action_lines", "actions"
    )
    return get_object_or_404(access.visible_learning(request.user, qs), pk=pk)


def shown_lesson(user: Any, lesson: Lesson) -> dict[str, Any]:
    """The texts a person may read: the organisation's own words for partners, the public
    layer (a copy made at publication) for everyone else."""
    if access.reads_learning_space(user):
        return {
            **{f: getattr(lesson, f) for f in Lesson.TEXTS},
            "good_practice": lesson.good_practice,
            "evidence": lesson.get_evidence_display(),
            "attachments": list(lesson.attachments.all()),
            "contact": (lesson.contact_name, lesson.contact_email),
        }
    p = lesson.public
    allowed = set(p.get("attachments", []))
    return {
        **{f: p.get(f, "") for f in Lesson.TEXTS},
        "good_practice": p.get("good_practice", False),
        "evidence": dict(Evidence.choices).get(p.get("evidence", ""), ""),
        "attachments": [a for a in lesson.attachments.all() if a.pk in allowed],
        "contact": None,
    }


def shown_question(user: Any, question: Question) -> dict[str, Any]:
    if access.reads_learning_space(user):
        answers = list(question.answers.select_related("organisation"))
        return {
            "title": question.title,
            "body": question.body,
            "answers": [
                {
                    "pk": a.pk,
                    "organisation": a.organisation.name,
                    "body": a.body,
                    "helpful": a.helpful,
                    "created_at": a.created_at,
                }
                for a in answers
            ],
            "closed": question.closed_at is not None,
        }
    p = question.public
    return {
        "title": p.get("title", ""),
        "body": p.get("body", ""),
        "answers": [
            {
                "pk": None,
                "organisation": a["organisation"],
                "body": a["body"],
                "helpful": a["helpful"],
            }
            for a in p.get("answers", [])
        ],
        "closed": p.get("closed", False),
    }


def _filters(form: SearchForm) -> search.Filters:
    d = form.cleaned_data
    return search.Filters(
        query=d.get("q") or "",
        kind=d.get("kind") or "",
        exploitation_form=d.get("form"),
        age_group=d.get("age"),
        action_line=d.get("line"),
        organisation=d.get("organisation"),
        evidence=d.get("evidence") or "",
        good_practice=bool(d.get("good")),
        since=d.get("since"),
        until=d.get("until"),
    )


def home(request: HttpRequest) -> HttpResponse:
    """The learning space: one search over lessons, practices, questions and attachments."""
    form = SearchForm(request.GET or None)
    f = _filters(form) if form.is_valid() else search.Filters()
    if form.is_bound and not form.is_valid():
        f = search.Filters()
    partner = access.reads_learning_space(request.user)
    page = Paginator(search.search(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    in_files = search.found_in_files(list(page.object_list), f.query, partner)
    results = [
        {
            "doc": doc,
            "found_in_file": in_files.get(doc.lesson_id or 0, ""),
            "entry": doc.lesson or doc.question,
            "is_lesson": doc.lesson_id is not None,
            "title": (doc.lesson or doc.question).title
            if partner
            else (doc.lesson or doc.question).public.get("title", ""),
            "snippet": search.snippet(doc, f.query, partner),
        }
        for doc in page.object_list
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "learning/home.html",
        {
            "form": form,
            "page": page,
            "results": results,
            "query_string": params.urlencode(),
            "partner": partner,
            "can_write": access.can_write_learning(request.user),
            "searched": bool(request.GET),
        },
    )


# --- lessons ----------------------------------------------------------------------------


def _save_attachment(request: HttpRequest, lesson: Lesson, upload: Any, form: Any) -> bool:
    try:
        attachments.add(request.user, lesson, upload.name, upload.read())
    except Invalid as exc:
        add_errors(
            form, {"attachment" if "attachment" in form.fields else "file": exc.errors["file"]}
        )
        return False
    return True


@login_required
def lesson_create(request: HttpRequest) -> HttpResponse:
    if not access.can_write_learning(request.user):
        return forbidden(
            request, _("Only partners and the programme team write in the learning space.")
        )
    initial: dict[str, Any] = {
        "contact_name": request.user.display_name,
        "contact_email": request.user.email,
    }
    for param, name, model in (
        ("form", "exploitation_forms", ExploitationForm),
        ("action", "actions", Action),
    ):
        if request.GET.get(param):
            initial[name] = list(model.objects.filter(code=request.GET[param]))
    form = LessonForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data.get("attachment")
            try:
                lesson = services.create_lesson(request.user, form.data_object())
            except Invalid as exc:
                add_errors(form, exc.errors)
            else:
                if upload is not None and not _save_attachment(request, lesson, upload, form):
                    messages.warning(
                        request,
                        _("The lesson is shared, but the file was not added: %(reason)s")
                        % {"reason": " ".join(form.errors.get("attachment", []))},
                    )
                else:
                    messages.success(request, _("Your lesson is shared with the partners."))
                return redirect("learning:lesson", pk=lesson.pk)
        elif "attachment" in form.errors:
            messages.error(
                request,
                _(
                    "Nothing was saved yet. Your text is kept below; choose the file again "
                    "or leave it out."
                ),
            )
        status = 400
    return render(
        request, "learning/lesson_form.html", {"form": form, "lesson": None}, status=status
    )


@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    if not access.can_edit_learning_entry(request.user, lesson):
        return forbidden(request, _("Only the organisation that wrote this entry can change it."))
    initial = {
        **{
            f: getattr(lesson, f)
            for f in (*Lesson.TEXTS, "evidence", "contact_name", "contact_email")
        },
        **LessonForm.initial_tags(lesson),
    }
    form = LessonForm(request.POST or None, initial=initial)
    del form.fields["attachment"]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_lesson(request.user, lesson, form.data_object())
            except Invalid as exc:
                add_errors(form, exc.errors)
            else:
                messages.success(request, _("Lesson saved."))
                return redirect("learning:lesson", pk=lesson.pk)
        status = 400
    return render(
        request, "learning/lesson_form.html", {"form": form, "lesson": lesson}, status=status
    )


def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    user = request.user
    editable = access.can_edit_learning_entry(user, lesson)
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "lesson": lesson,
            "shown": shown_lesson(user, lesson),
            "partner": access.reads_learning_space(user),
            "editable": editable,
            "curator": access.can_curate_learning(user),
            "attachment_form": AttachmentForm() if editable else None,
            "changed_since_published": lesson.published_at is not None
            and services.public_layer(lesson) != lesson.public,
        },
    )


@login_required
@require_POST
def lesson_attach(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    if not access.can_edit_learning_entry(request.user, lesson):
        return forbidden(request, _("Only the organisation that wrote this entry can change it."))
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and _save_attachment(request, lesson, form.cleaned_data["file"], form):
        messages.success(request, _("File added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("learning:lesson", pk=lesson.pk)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Served only after the access check; never from a public media URL."""
    attachment = get_object_or_404(Attachment.objects.select_related("lesson"), pk=pk)
    if not attachments.may_download(request.user, attachment):
        raise Http404
    response = FileResponse(
        attachments.open_file(attachment),
        as_attachment=attachment.kind not in ("png", "jpeg", "pdf"),
        filename=attachment.name,
        content_type=attachments.CONTENT_TYPES[attachment.kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("lesson"), pk=pk)
    lesson = _lesson(request, attachment.lesson_id)
    if not access.can_edit_learning_entry(request.user, lesson):
        return forbidden(request, _("Only the organisation that wrote this entry can change it."))
    back = reverse("learning:lesson", args=[lesson.pk])
    if attachments.is_public(attachment):
        if request.method == "POST":
            messages.error(request, attachments.public_file_kept())
            return redirect(back)
        return render(
            request,
            "learning/confirm.html",
            {
                "title": _("The file “%(name)s” is public") % {"name": attachment.name},
                "explanation": attachments.public_file_kept(),
                "button": None,
                "back": back,
            },
        )
    if request.method == "POST":
        attachments.remove(request.user, attachment)
        messages.success(request, _("File removed."))
        return redirect("learning:lesson", pk=lesson.pk)
    return render(
        request,
        "learning/confirm.html",
        {
            "title": _("Remove the file “%(name)s”?") % {"name": attachment.name},
            "explanation": _("The file is deleted; this cannot be undone."),
            "button": _("Remove the file"),
            "back": back,
        },
    )


@login_required
def lesson_good_practice(request: HttpRequest, pk: int) -> HttpResponse:
    """Marking (or unmarking) good practice: a confirmation page, then the change."""
    lesson = _lesson(request, pk)
    if not access.can_curate_learning(request.user):
        return forbidden(request, _("Only the programme team marks good practice."))
    mark = not lesson.good_practice
    if request.method == "POST":
        mark = request.POST.get("value") == "1"
        try:
            services.set_good_practice(request.user, lesson, mark)
        except Denied as exc:
            return forbidden(request, str(exc))
        if mark:
            messages.success(request, _("Marked as good practice."))
        else:
            messages.success(request, _("No longer marked as good practice."))
        return redirect("learning:lesson", pk=lesson.pk)
    if mark:
        title = _("Mark “%(title)s” as good practice?") % {"title": lesson.title}
        explanation = _(
            "Partners see the lesson marked as good practice, and %(organisation)s is told. "
            "If the lesson is published, the public page shows the mark only after it is "
            "published again."
        ) % {"organisation": lesson.organisation.name}
        button = _("Mark as good practice")
    else:
        title = _("Remove the good-practice mark from “%(title)s”?") % {"title": lesson.title}
        explanation = _(
            "Partners no longer see the lesson marked as good practice. If the lesson is "
            "published, the public page changes only after it is published again."
        )
        button = _("No longer good practice")
    return render(
        request,
        "learning/confirm.html",
        {
            "title": title,
            "explanation": explanation,
            "button": button,
            "hidden": {"value": "1" if mark else "0"},
            "back": reverse("learning:lesson", args=[lesson.pk]),
        },
    )


# --- questions ----------------------------------------------------------------------------


@login_required
def question_create(request: HttpRequest) -> HttpResponse:
    if not access.can_write_learning(request.user):
        return forbidden(
            request, _("Only partners and the programme team write in the learning space.")
        )
    initial: dict[str, Any] = {}
    for param, name, model in (
        ("form", "exploitation_forms", ExploitationForm),
        ("action", "actions", Action),
    ):
        if request.GET.get(param):
            initial[name] = list(model.objects.filter(code=request.GET[param]))
    form = QuestionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                question = services.ask(request.user, form.data_object())
            except Invalid as exc:
                add_errors(form, exc.errors)
            else:
                messages.success(request, _("Your question is asked. You will hear of answers."))
                return redirect("learning:question", pk=question.pk)
        status = 400
    return render(
        request, "learning/question_form.html", {"form": form, "question": None}, status=status
    )


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if not access.can_edit_learning_entry(request.user, question):
        return forbidden(request, _("Only the organisation that wrote this entry can change it."))
    initial = {
        "title": question.title,
        "body": question.body,
        **QuestionForm.initial_tags(question),
    }
    form = QuestionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_question(request.user, question, form.data_object())
            except Invalid as exc:
                add_errors(form, exc.errors)
            else:
                messages.success(request, _("Question saved."))
                return redirect("learning:question", pk=question.pk)
        status = 400
    return render(
        request, "learning/question_form.html", {"form": form, "question": question}, status=status
    )


def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    user = request.user
    form = None
    status = 200
    if access.can_write_learning(user) and question.closed_at is None:
        form = AnswerForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.answer(user, question, form.cleaned_data["body"])
                except Invalid as exc:
                    add_errors(form, exc.errors)
                except Denied as exc:
                    return forbidden(request, str(exc))
                else:
                    messages.success(request, _("Your answer is added."))
                    return redirect("learning:question", pk=question.pk)
            status = 400
    elif request.method == "POST":
        return forbidden(request, _("You cannot answer this question."))
    return render(
        request,
        "learning/question_detail.html",
        {
            "question": question,
            "shown": shown_question(user, question),
            "partner": access.reads_learning_space(user),
            "editable": access.can_edit_learning_entry(user, question),
            "can_mark": access.can_mark_helpful(user, question),
            "curator": access.can_curate_learning(user),
            "answer_form": form,
            "following": services.follows(user, question=question),
            "changed_since_published": question.published_at is not None
            and services.public_layer(question) != question.public,
        },
        status=status,
    )


@login_required
@require_POST
def answer_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Answer.objects.select_related("question"), pk=pk)
    _question(request, a.question_id)
    try:
        services.mark_helpful(request.user, a, request.POST.get("value") != "0")
    except Denied as exc:
        return forbidden(request, str(exc))
    return redirect(reverse("learning:question", args=[a.question_id]) + f"#answer-{a.pk}")


@login_required
def question_close(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if not access.can_mark_helpful(request.user, question):
        return forbidden(request, _("Only the organisation that asked closes the question."))
    if request.method == "POST":
        services.close_question(request.user, question)
        messages.success(request, _("The question is closed."))
        return redirect("learning:question", pk=question.pk)
    return render(
        request,
        "learning/confirm.html",
        {
            "title": _("Close the question “%(title)s”?") % {"title": question.title},
            "explanation": _(
                "Nobody can answer a closed question any more. It stays readable with its answers."
            ),
            "button": _("Close the question"),
            "back": reverse("learning:question", args=[question.pk]),
        },
    )


# --- shared: publication, deletion, following ------------------------------------------------

KINDS = {
    "lessen": (Lesson, _lesson, "learning:lesson"),
    "vragen": (Question, _question, "learning:question"),
}


def _entry(request: HttpRequest, kind: str, pk: int) -> tuple[Any, str]:
    if kind not in KINDS:
        raise Http404
    _model, get, url_name = KINDS[kind]
    return get(request, pk), url_name


@login_required
def entry_publish(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The confirmation page shows exactly what becomes public; the step is audited."""
    entry, url_name = _entry(request, kind, pk)
    if not access.can_curate_learning(request.user):
        return forbidden(request, _("Only the programme team publishes."))
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("answers") if v.isdigit()]
        services.publish(request.user, entry, chosen if kind != "lessen" else None)
        messages.success(request, _("Published. Everyone can now read it."))
        return redirect(url_name, pk=entry.pk)
    layer = services.public_layer(entry)
    all_answers = (
        []
        if kind == "lessen"
        else list(entry.answers.select_related("organisation").order_by("created_at"))
    )
    ticked = set(services.published_answer_ids(entry)) if kind != "lessen" else set()
    files = (
        [a for a in getattr(entry, "attachments", Attachment.objects.none()).all()]
        if kind == "lessen"
        else []
    )
    return render(
        request,
        "learning/publish.html",
        {
            "entry": entry,
            "layer": layer,
            "is_lesson": kind == "lessen",
            "files": files,
            "all_answers": all_answers,
            "ticked": ticked,
            "back": reverse(url_name, args=[entry.pk]),
        },
    )


@login_required
def entry_withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    entry, url_name = _entry(request, kind, pk)
    if not access.can_curate_learning(request.user) or entry.published_at is None:
        return forbidden(request, _("Only the programme team withdraws a publication."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(request.user, entry, form.cleaned_data["reason"])
        messages.success(
            request,
            _("The publication is withdrawn; %(organisation)s is told why.")
            % {"organisation": entry.organisation.name},
        )
        return redirect(url_name, pk=entry.pk)
    return render(
        request,
        "learning/confirm.html",
        {
            "title": _("Withdraw the publication of “%(title)s”?")
            % {"title": entry.public.get("title") or entry.title},
            "explanation": _(
                "The public text is removed from the public pages, the API and search. Partners keep reading the entry."
            )
            + " "
            + _("The organisation that wrote it is told, with your reason."),
            "button": _("Withdraw the publication"),
            "form": form,
            "back": reverse(url_name, args=[entry.pk]),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def entry_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    entry, url_name = _entry(request, kind, pk)
    if not access.can_edit_learning_entry(request.user, entry) or entry.published_at:
        return forbidden(
            request,
            _(
                "Only the organisation that wrote this entry can delete it, and only while it is not published."
            ),
        )
    if request.method == "POST":
        services.delete_entry(request.user, entry)
        messages.success(request, _("Deleted."))
        return redirect("learning:index")
    return render(
        request,
        "learning/confirm.html",
        {
            "title": _("Delete “%(title)s”?") % {"title": entry.title},
            "explanation": _("The entry and its files are deleted; this cannot be undone."),
            "button": _("Delete"),
            "back": reverse(url_name, args=[entry.pk]),
        },
    )


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    target: dict[str, Any] = {}
    if request.POST.get("form"):
        target["exploitation_form"] = get_object_or_404(ExploitationForm, code=request.POST["form"])
    elif request.POST.get("action"):
        target["action"] = get_object_or_404(Action, code=request.POST["action"])
    elif request.POST.get("question"):
        target["question"] = _question(
            request, int(request.POST["question"]) if request.POST["question"].isdigit() else 0
        )
    else:
        raise Http404
    on = request.POST.get("on") == "1"
    try:
        services.follow(request.user, on=on, **target)
    except Denied as exc:
        return forbidden(request, str(exc))
    messages.success(request, _("You follow this now.") if on else _("You no longer follow this."))
    back = request.POST.get("next", "")
    return redirect(
        back if back.startswith("/") and not back.startswith("//") else reverse("learning:index")
    )


def network_page(request: HttpRequest) -> HttpResponse:
    """Who works on what: organisations and the forms and action lines they hold or are
    involved in, with the lessons they shared (what the person may read)."""
    dimension = request.GET.get("by", "form")
    if dimension not in ("form", "line"):
        dimension = "form"
    data = network.build(request.user, dimension)
    return render(
        request,
        "learning/network.html",
        {"network": data, "by": dimension, "chart": network.chart(data)},
    )
