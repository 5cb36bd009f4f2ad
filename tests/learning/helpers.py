"""Building blocks for the learning tests: entries written through the real services."""

from samen.accounts.models import ApiToken
from samen.learning import services
from samen.plan.models import ExploitationForm


def lesson(user, title="Wijkagent in de klas", forms=("criminal",), **changes):
    data = services.LessonData(
        **(
            {
                "title": title,
                "context": "Gemeente met veel jonge drugsrunners.",
                "tried": "Voorlichting door de wijkagent op school.",
                "result": "Meer meldingen van ouders.",
                "advice": "Begin vroeg, in groep 8.",
                "evidence": "once",
            }
            | changes
        ),
        tags=services.Tags(
            exploitation_forms=list(ExploitationForm.objects.filter(code__in=forms))
        ),
    )
    return services.create_lesson(user, data)


def question(user, title="Wie heeft ervaring met loverboys op school?", forms=("criminal",)):
    return services.ask(
        user,
        services.QuestionData(
            title=title,
            body="We zoeken een aanpak voor de onderbouw.",
            tags=services.Tags(
                exploitation_forms=list(ExploitationForm.objects.filter(code__in=forms))
            ),
        ),
    )


def api(client, user, method, url, **body):
    headers = {}
    if user is not None:
        _token, key = ApiToken.issue(user)
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    call = getattr(client, method)
    if method in ("post", "patch"):
        return call(url, data=body, content_type="application/json", **headers)
    return call(url, **headers)


def web(client, user, method, url, data=None, **extra):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {}, **extra)
