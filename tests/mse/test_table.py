"""Reading and validating capture-history CSVs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from samen.mse.table import CaptureDataError, CaptureDataWarning, CaptureTable, read_capture_csv


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "lists.csv"
    p.write_text(text)
    return p


def test_aggregated_and_per_case_forms_agree(tmp_path: Path) -> None:
    agg = read_capture_csv(write(tmp_path, "A,B,count\n1,0,2\n0,1,1\n1,1,1\n"))
    per_case = read_capture_csv(write(tmp_path, "A,B\n1,0\n0,1\n1,1\n1,0\n"))
    assert agg.observed == per_case.observed == 4
    assert dict(
        zip(map(tuple, agg.full()[0].tolist()), agg.full()[1].tolist(), strict=True)
    ) == dict(
        zip(map(tuple, per_case.full()[0].tolist()), per_case.full()[1].tolist(), strict=True)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,0,3\n2,1,4\n", "row 3, column 'A': '2' is not 0 or 1"),
        ("A,B,count\n1,0,3\n0,0,4\n", "row 3: the history is 0 on every list"),
        ("A,B,count\n1,0,-3\n", "row 2, column 'count': '-3' is not a non-negative whole number"),
        ("A,B,count\n1,0,2.5\n", "'2.5' is not a non-negative whole number"),
        ("A,count\n1,3\n", "at least two lists are needed"),
        ("A,B,count\n1,0\n", "row 2: 2 cells, expected 3"),
        ("A,A,count\n1,0,1\n", "column 'A' appears twice"),
        ("", "the file is empty"),
        ("A,B,count\n", "no data rows"),
        ("A,B,region,count\n1,0,north,3\n", "row 2, column 'region': 'north' is not 0 or 1"),
    ],
)
def test_bad_input_names_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CaptureDataError) as err:
        read_capture_csv(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_declared_column(tmp_path: Path) -> None:
    with pytest.raises(CaptureDataError, match="unknown column 'year'"):
        read_capture_csv(write(tmp_path, "A,B,count\n1,0,1\n"), covariates=["year"])


def test_duplicate_histories_are_merged_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B,count\n1,0,2\n0,1,1\n1,0,5\n")
    with pytest.warns(CaptureDataWarning, match="row 4: duplicate of row 2; counts added"):
        table = read_capture_csv(path)
    assert table.counts.tolist() == [7, 1]


def test_strata_split_and_sum_back(tmp_path: Path) -> None:
    text = "A,B,year,count\n1,0,2020,2\n0,1,2020,1\n1,1,2021,3\n1,0,2021,4\n"
    table = read_capture_csv(write(tmp_path, text), covariates=["year"])
    parts = table.stratify("year")
    assert sorted(parts) == ["2020", "2021"]
    assert parts["2021"].observed == 7
    assert sum(p.observed for p in parts.values()) == table.without_covariates().observed


def test_from_arrays_validates() -> None:
    with pytest.raises(CaptureDataError, match="history is 0 on every list"):
        CaptureTable.from_arrays(np.array([[0, 0]]), np.array([3]))


@pytest.mark.parametrize(
    "text",
    [
        "A;B;count\n1;0;2\n0;1;1\n1;1;1\n",  # Dutch spreadsheets save with semicolons
        "A\tB\tcount\n1\t0\t2\n0\t1\t1\n1\t1\t1\n",
        "A,B,Count\n1,0,2\n0,1,1\n1,1,1\n",
        "A,B,n\n1,0,2\n0,1,1\n1,1,1\n",
        "A,B,FREQ\n1,0,2\n0,1,1\n1,1,1\n",
        "A,B,freq\n1,0,2\n0,1,1\n1,1,1\n0,0,0\n",  # the unobserved cell written as 0
    ],
    ids=["semicolon", "tab", "Count", "n", "FREQ", "all-zero row with count 0"],
)
def test_separators_and_count_headings_are_recognised(tmp_path: Path, text: str) -> None:
    table = read_capture_csv(write(tmp_path, text))
    assert table.lists == ("A", "B")
    assert table.observed == 4
    assert dict(zip(map(tuple, table.histories.tolist()), table.counts.tolist(), strict=True)) == {
        (1, 0): 2,
        (0, 1): 1,
        (1, 1): 1,
    }


def test_two_count_columns_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaptureDataError, match="columns 'count' and 'n' can both be the count"):
        read_capture_csv(write(tmp_path, "A,B,count,n\n1,0,2,2\n"))


def test_a_case_on_no_list_is_refused_but_a_zero_count_is_not(tmp_path: Path) -> None:
    with pytest.raises(CaptureDataError) as caught:
        read_capture_csv(write(tmp_path, "A,B,count\n1,0,3\n0,0,4\n"))
    assert (caught.value.code, caught.value.row) == ("history_all_zero", 3)
    with pytest.raises(CaptureDataError, match="row 3: the history is 0 on every list"):
        read_capture_csv(write(tmp_path, "A,B\n1,0\n0,0\n"))  # one row per case


def test_a_twenty_digit_count_is_a_row_and_column_error(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B,count\n1,0,3\n1,1,12345678901234567890\n")
    with pytest.raises(CaptureDataError) as caught:
        read_capture_csv(path)
    err = caught.value
    assert (err.code, err.row, err.column) == ("count_too_large", 3, "count")
    assert f"{path}, row 3, column 'count': '12345678901234567890' is larger" in str(err)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureDataError, match="file not found"):
        read_capture_csv(tmp_path)
