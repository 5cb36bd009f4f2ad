"""`samen demo` adds a few learning entries, labelled demo data (issue 15)."""

import os

from django.core.management import call_command

from samen.learning.models import Lesson, Question
from tests.demo import load_demo


def test_the_demo_has_lessons_a_good_practice_and_an_answered_question(bundled_plan):
    load_demo()
    lessons = list(Lesson.objects.all())
    assert len(lessons) == 2 and all(x.is_demo and x.title.endswith("(demo)") for x in lessons)
    assert Lesson.objects.filter(good_practice=True, published_at__isnull=False).count() == 1
    criminal = Lesson.objects.get(exploitation_forms__code="criminal")
    assert criminal.organisation.code == "gemeenten"
    question = Question.objects.get()
    assert question.organisation.code == "politie" and question.answers.count() == 1
    os.environ["DEMO_PASSWORD"] = "again-for-tests"
    try:
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - again: nothing doubled
    finally:
        del os.environ["DEMO_PASSWORD"]
    assert Lesson.objects.count() == 2
