from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

urlpatterns = [
    path(
        "inloggen",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("uitloggen", auth_views.LogoutView.as_view(), name="logout"),
    path("account", views.account, name="account"),
    path("account/sleutels/<int:pk>/intrekken", views.token_revoke, name="token-revoke"),
    path("account/wachtwoord", views.PasswordChangeView.as_view(), name="password-change"),
    path("wachtwoord-vergeten", views.PasswordResetView.as_view(), name="password-reset"),
    path("wachtwoord-vergeten/verstuurd", views.password_reset_sent, name="password-reset-sent"),
    path(
        "wachtwoord-herstellen/<uidb64>/<token>",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("inloggen/deblokkeren", views.unlock_request, name="unlock-request"),
    path("inloggen/deblokkeren/<str:token>", views.unlock_confirm, name="unlock-confirm"),
    path("beheer/inlogblokkades", views.lockouts, name="lockouts"),
]
