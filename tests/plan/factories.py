"""factory_boy factories for plan objects, used inside tests."""

import factory

from samen.plan.models import (
    Action,
    ActionLine,
    ActionOrganisation,
    AgeGroup,
    ExploitationForm,
    Organisation,
    OrganisationType,
    StrategicGoal,
)


class OrganisationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationType
        django_get_or_create = ("code",)

    code = "ngo"
    name_nl = "Maatschappelijke organisatie"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    type = factory.SubFactory(OrganisationTypeFactory)


class ActionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLine

    number = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"L{o.number}")
    name_nl = factory.LazyAttribute(lambda o: f"Lijn {o.number}")


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    number = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"G{o.number}")
    name_nl = factory.LazyAttribute(lambda o: f"Doel {o.number}")


class ExploitationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExploitationForm
        django_get_or_create = ("code",)

    code = "sexual"
    name_nl = factory.LazyAttribute(lambda o: f"Vorm {o.code}")


class AgeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgeGroup
        django_get_or_create = ("code",)

    code = "minors"
    name_nl = factory.LazyAttribute(lambda o: f"Leeftijd {o.code}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T.{n + 1}")
    title_nl = factory.Sequence(lambda n: f"Testactie {n + 1}")
    action_line = factory.SubFactory(ActionLineFactory)

    @factory.post_generation
    def forms(self, create, extracted, **kwargs):
        for code in extracted or ():
            self.exploitation_forms.add(ExploitationFormFactory(code=code))

    @factory.post_generation
    def ages(self, create, extracted, **kwargs):
        for code in extracted or ():
            self.age_groups.add(AgeGroupFactory(code=code))

    @factory.post_generation
    def holders(self, create, extracted, **kwargs):
        for i, org in enumerate(extracted or ()):
            ActionOrganisation.objects.create(action=self, organisation=org, role="holder", order=i)

    @factory.post_generation
    def involved(self, create, extracted, **kwargs):
        for i, org in enumerate(extracted or ()):
            ActionOrganisation.objects.create(
                action=self, organisation=org, role="involved", order=i
            )
