"""The combination rules and the on-track rule, against values worked out by hand."""

import datetime as dt
from decimal import Decimal as D

from samen.indicators import progress as p

ROUNDS = [dt.date(2025, 6, 30), dt.date(2025, 12, 31), dt.date(2026, 6, 30)]
T = [p.TargetPoint(dt.date(2027, 12, 31), D(1000))]


def run(
    rule, values, baseline=D(200), kind="number", up=True, targets=T, date=dt.date(2024, 12, 31)
):
    return p.progress(
        kind=kind,
        rule=rule,
        up=up,
        baseline=baseline,
        baseline_date=date,
        targets=targets,
        rounds=list(zip(ROUNDS, values, strict=True)),
    )


def test_per_period_over_three_rounds():
    # Each round on its own; the last round's value is the current one.
    result = run(p.PER_PERIOD, [D(150), None, D(300)])
    assert result.combined == (D(150), None, D(300))
    assert result.current == D(300)
    assert result.as_of == dt.date(2026, 6, 30)
    # (300 - 200) / (1000 - 200) = 12.5 %
    assert result.percent == D("12.5")


def test_cumulative_over_three_rounds():
    # Baseline 200, then 150, nothing, 300: 350, 350, 650.
    result = run(p.CUMULATIVE, [D(150), None, D(300)])
    assert result.combined == (D(350), D(350), D(650))
    assert result.current == D(650)
    # (650 - 200) / 800 = 56.25 % -> 56.3
    assert result.percent == D("56.3")


def test_latest_over_three_rounds():
    # The last reported value carries forward.
    result = run(p.LATEST, [D(400), None, D(380)])
    assert result.combined == (D(400), D(400), D(380))
    assert result.current == D(380)
    assert run(p.LATEST, [D(400), D(500), None]).current == D(500)
    assert run(p.LATEST, [D(400), D(500), None]).as_of == dt.date(2026, 6, 30)


def test_on_track_by_linear_interpolation():
    # Baseline 200 on 2024-12-31, target 1000 on 2027-12-31 (1095 days).
    # On 2026-06-30 (546 days in) the line is at 200 + 800 * 546 / 1095 = 598.9.
    behind = run(p.CUMULATIVE, [D(100), D(100), D(198)])  # 598
    assert behind.expected.quantize(D("0.1")) == D("598.9")
    assert behind.status == p.BEHIND
    ahead = run(p.CUMULATIVE, [D(100), D(100), D(199)])  # 599
    assert ahead.status == p.ON_TRACK


def test_boundaries_of_the_line():
    # On the baseline date itself the line is at the baseline.
    assert p.expected_on(dt.date(2024, 12, 31), dt.date(2024, 12, 31), D(200), T) == D(200)
    # Before it, too.
    assert p.expected_on(dt.date(2020, 1, 1), dt.date(2024, 12, 31), D(200), T) == D(200)
    # On the target date the line is at the target; after it, it stays there.
    assert p.expected_on(dt.date(2027, 12, 31), dt.date(2024, 12, 31), D(200), T) == D(1000)
    assert p.expected_on(dt.date(2030, 1, 1), dt.date(2024, 12, 31), D(200), T) == D(1000)
    # Exactly on the line is on track.
    on_line = p.progress(
        kind="number",
        rule=p.LATEST,
        up=True,
        baseline=D(0),
        baseline_date=dt.date(2026, 1, 1),
        targets=[p.TargetPoint(dt.date(2026, 1, 11), D(10))],
        rounds=[(dt.date(2026, 1, 6), D(5))],
    )
    assert on_line.expected == D(5)
    assert on_line.status == p.ON_TRACK


def test_several_targets_make_a_line_through_each():
    targets = [
        p.TargetPoint(dt.date(2026, 1, 1), D(100)),
        p.TargetPoint(dt.date(2027, 1, 1), D(300)),
    ]
    # Halfway the second year (181 of 365 days): 100 + 200 * 181 / 365.
    day = dt.date(2026, 7, 1)
    assert p.expected_on(day, dt.date(2025, 1, 1), D(0), targets) == D(100) + D(200) * D(181) / D(
        365
    )
    assert p.target_on(day, targets).value == D(300)
    assert p.target_on(dt.date(2026, 1, 1), targets).value == D(100)


def test_lower_is_better():
    # Baseline 50 down to 10: 30 is halfway.
    result = run(
        p.LATEST,
        [None, None, D(30)],
        baseline=D(50),
        up=False,
        targets=[p.TargetPoint(dt.date(2027, 12, 31), D(10))],
    )
    assert result.percent == D("50.0")
    # The line on 2026-06-30 is at 50 - 40 * 546 / 1095 = 30.05: 30 is at or below it.
    assert result.status == p.ON_TRACK
    assert (
        run(
            p.LATEST,
            [None, None, D(31)],
            baseline=D(50),
            up=False,
            targets=[p.TargetPoint(dt.date(2027, 12, 31), D(10))],
        ).status
        == p.BEHIND
    )


def test_achieved_and_missing():
    assert run(p.LATEST, [None, None, D(1000)]).status == p.ACHIEVED
    assert run(p.LATEST, [None, None, None]).status == p.NO_DATA
    assert run(p.LATEST, [D(1), None, None], targets=[]).status == p.NO_TARGET
    assert run(p.LATEST, [D(1), None, None], baseline=None).status == p.NO_TARGET


def test_yes_no_is_on_track_until_its_date():
    target = [p.TargetPoint(dt.date(2026, 6, 30), D(1))]
    assert (
        run(p.LATEST, [D(0), None, None], baseline=None, kind="yes_no", targets=target).status
        == p.ON_TRACK
    )
    assert (
        run(p.LATEST, [D(0), D(0), D(0)], baseline=None, kind="yes_no", targets=target).status
        == p.ON_TRACK
    )
    late = [p.TargetPoint(dt.date(2026, 1, 1), D(1))]
    assert (
        run(p.LATEST, [D(0), D(0), D(0)], baseline=None, kind="yes_no", targets=late).status
        == p.BEHIND
    )
    assert (
        run(p.LATEST, [D(0), D(1), None], baseline=None, kind="milestone", targets=late).status
        == p.ACHIEVED
    )


def test_percent_of_way_edges():
    assert p.percent_of_way(D(0), D(0), D(0)) == D(100)
    assert p.percent_of_way(D(10), D(10), D(9)) == D(0)
    assert p.percent_of_way(D(0), D(100), D(150)) == D(150)
    assert p.percent_of_way(D(100), D(200), D(50)) == D(-50)


def test_without_a_value_the_next_target_due_is_shown_not_the_last():
    targets = [p.TargetPoint(dt.date(2026, 12, 31), D(500)), *T]
    result = p.progress(
        kind="number",
        rule=p.CUMULATIVE,
        up=True,
        baseline=D(0),
        baseline_date=dt.date(2025, 12, 31),
        targets=targets,
        rounds=[],
        today=dt.date(2026, 7, 1),
    )
    assert result.status == p.NO_DATA and result.target == targets[0]
    later = p.progress(
        kind="number",
        rule=p.CUMULATIVE,
        up=True,
        baseline=D(0),
        baseline_date=dt.date(2025, 12, 31),
        targets=targets,
        rounds=[],
        today=dt.date(2028, 1, 1),
    )
    assert later.target == T[0]  # all due: the last one
