"""Account screens: your API tokens, password change and reset by e-mail, and lockouts
(lifted by the programme team, or by the user through a link by e-mail). Views parse and
render; access is decided in access.py, writes happen in services.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samen.core.errors import Invalid

from . import access, services
from .forms import TokenForm, UnlockRequestForm
from .lockout import client_ip, username_from_unlock_token
from .models import ApiToken


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponseForbidden(render_to_string("403.html", {"message": message}, request))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Your account: your API tokens (see, make, revoke) and your password."""
    new_key = None
    form = TokenForm()
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _token, new_key = services.issue_token(request.user, form.cleaned_data["name"])
                form = TokenForm()
            except Invalid as exc:
                form.add_error("name", exc.errors.get("name", str(exc)))
                status = 400
            except access.Denied as exc:
                return _forbidden(request, str(exc))
        else:
            status = 400
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "form": form,
            "new_key": new_key,
            "token_days": settings.SAMEN_API_TOKEN_DAYS,
            "token_limit": settings.SAMEN_API_TOKENS_PER_USER,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.revoke_token(request.user, pk)
    except ApiToken.DoesNotExist:
        return render(request, "404.html", status=404)
    messages.success(
        request, _("Token %(hint)s… is revoked; it no longer opens the API.") % {"hint": token.hint}
    )
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your password: wrong current passwords are rate-limited per account."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        if "old_password" in form.errors and not services.allow(
            "password-change", str(request.user.pk), settings.AXES_FAILURE_LIMIT
        ):
            form.errors.clear()
            form.add_error(None, _("Too many wrong passwords. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(self.request.user, "change")
        messages.success(
            self.request,
            _("Your password is changed. Your API tokens were revoked; make new ones if needed."),
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail: rate-limited per client address and per e-mail
    address; the answer never says whether an account exists."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        if not services.mail_allowed(
            "password-reset", client_ip(self.request), form.cleaned_data["email"]
        ):
            form.add_error(None, _("Too many requests. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["email"].label = _("E-mail address")
        return form


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(form.user, "reset")
        from axes.utils import reset

        reset(username=form.user.get_username())  # a new password also lifts a lockout
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response


def _check_email(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/check_email.html", {"message": message})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return _check_email(
        request,
        _(
            "If an account has this e-mail address, a link to set a new password is on its "
            "way. It works for one hour."
        ),
    )


@require_POST
def unlock_request(request: HttpRequest) -> HttpResponse:
    """From the locked-out page: e-mail the account's owner an unlock link."""
    form = UnlockRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/locked_out.html", {"unlock_form": form}, status=400)
    username = form.cleaned_data["username"]
    if not services.mail_allowed("unlock", client_ip(request), username):
        form.add_error(None, _("Too many requests. Try again in an hour."))
        return render(request, "accounts/locked_out.html", {"unlock_form": form}, status=429)
    services.send_unlock_link(request, username)
    return _check_email(
        request,
        _(
            "If this account exists and has an e-mail address, a link to lift the block is on "
            "its way. It works for one hour."
        ),
    )


def unlock_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: shows a button (a GET never changes anything, so that
    mail scanners that follow links do not use it up); POST lifts the lockout."""
    username = username_from_unlock_token(token, settings.PASSWORD_RESET_TIMEOUT)
    if username is None:
        return render(request, "accounts/unlock_invalid.html", status=400)
    if request.method == "POST":
        services.unlock(None, username, "e-mail")
        messages.success(request, _("The block is lifted. You can log in again."))
        return redirect("login")
    return render(request, "accounts/unlock_confirm.html", {"username": username})


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """The programme team's list of accounts locked out after wrong passwords."""
    if not access.can_unlock_logins(request.user):
        return _forbidden(request, _("Only the programme team unlocks accounts."))
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username:
            services.unlock(request.user, username, "programme")
            messages.success(request, _("%(username)s can log in again.") % {"username": username})
        return redirect("lockouts")
    return render(request, "accounts/lockouts.html", {"lockouts": services.locked_out()})
