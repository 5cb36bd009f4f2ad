"""Impact figures for tests: a register kept by the police with registrations by year and
form (one small cell), a second register without an organisation, a finished estimation
run linked to the police register's totals. Built on the reporting `world` (users per
role). Rows are created directly: the publication part reads them, it does not load them.
"""

from types import SimpleNamespace

from django.utils import timezone

from samen.impact.models import (
    DetectionLink,
    EstimationRun,
    OverlapDataset,
    Register,
    Registration,
)
from tests.plan.factories import ExploitationFormFactory

# year -> (sexual, labour, criminal); the total is their sum
POLICE = {2020: (120, 60, 30), 2021: (110, 70, 4), 2022: (130, 80, 35)}
SMALL = (2021, "criminal", 4)


def build_figures(world):
    forms = {
        code: ExploitationFormFactory(code=code, order=i)
        for i, code in enumerate(("sexual", "labour", "criminal"))
    }
    police = Register.objects.create(
        code="politie", name_nl="Registraties van de politie", organisation=world.orgs.police
    )
    other = Register.objects.create(code="ander", name_nl="Ander register")
    for year, counts in POLICE.items():
        Registration.objects.create(register=police, year=year, count=sum(counts))
        for code, count in zip(forms, counts, strict=True):
            Registration.objects.create(
                register=police, year=year, exploitation_form=forms[code], count=count
            )
    for year in POLICE:
        Registration.objects.create(register=other, year=year, count=500 + year % 10)
    dataset = OverlapDataset.objects.create(
        name="Drie lijsten 2021",
        period_start=2021,
        period_end=2021,
        content="A,B,count\n1,0,10\n",
        content_hash="0" * 64,
    )
    run = EstimationRun.objects.create(
        dataset=dataset,
        method="sparsemse",
        state=EstimationRun.State.DONE,
        estimate=736.0,
        lower=600.0,
        upper=900.0,
        finished_at=timezone.now(),
    )
    link = DetectionLink.objects.create(register=police, run=run)
    return SimpleNamespace(
        police=police, other=other, forms=forms, dataset=dataset, run=run, link=link
    )
