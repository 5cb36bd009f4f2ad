"""Coded messages: every error and warning has a code, and every code is used and documented."""

from __future__ import annotations

import ast
import json
import pickle
from pathlib import Path

import pytest

from samen.mse import estimate
from samen.mse.messages import MESSAGES, CaptureDataError, MseMessage, placeholders
from samen.mse.table import read_capture_csv
from tests.mse.conftest import load

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "samen" / "mse"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "mse-guide.md"
#: Keywords of CaptureDataError that say where, not what (not template parameters).
LOCATION = {"file", "row", "column"}


def _calls() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"MseMessage", "CaptureDataError"}
            ):
                found.append((path.name, node.lineno, node))
    return found


def test_every_code_is_used_and_every_call_fills_its_template() -> None:
    used: set[str] = set()
    for name, line, call in _calls():
        where = f"{name}:{line}"
        assert call.args and isinstance(call.args[0], ast.Constant), f"{where}: code not literal"
        code = call.args[0].value
        assert code in MESSAGES, f"{where}: unknown code {code!r}"
        used.add(code)
        given = {kw.arg for kw in call.keywords}
        assert None not in given, f"{where}: parameters must be named, not splatted"
        if call.func.id == "CaptureDataError":  # type: ignore[attr-defined]
            given -= LOCATION
        assert placeholders(code) <= given, f"{where}: {code} misses parameters"
        assert not given - placeholders(code), f"{where}: {code} has unused ones"
    assert set(MESSAGES) == used, f"codes never used: {sorted(set(MESSAGES) - used)}"


def test_the_engine_raises_nothing_but_coded_errors() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
                assert name == "CaptureDataError", f"{path.name}:{node.lineno} raises {name}"


def test_every_code_is_documented_in_the_guide() -> None:
    guide = GUIDE.read_text()
    missing = [code for code in MESSAGES if f"`{code}`" not in guide]
    assert not missing, f"not in docs/mse-guide.md: {missing}"


def test_a_message_is_its_text_with_code_and_parameters() -> None:
    message = MseMessage("few_cases", observed=12)
    assert message == "only 12 cases observed: intervals will be very wide"
    assert (message.code, message.params) == ("few_cases", {"observed": 12})
    again = pickle.loads(pickle.dumps(message))  # noqa: S301 - as worker processes pass it
    assert again == message and again.code == "few_cases" and again.params == {"observed": 12}
    with pytest.raises(KeyError):
        MseMessage("few_cases")


def test_a_reading_error_carries_code_location_and_parameters(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text("A,B,count\n1,0,3\n1,x,1\n")
    with pytest.raises(CaptureDataError) as caught:
        read_capture_csv(path)
    err = caught.value
    assert (err.code, err.params) == ("cell_not_binary", {"value": "x"})
    assert (err.file, err.row, err.column) == (str(path), 3, "B")
    assert str(err).startswith(f"{path}, row 3, column 'B': 'x' is not 0 or 1")
    assert str(pickle.loads(pickle.dumps(err))) == str(err)  # noqa: S301 - our own bytes
    assert err.to_json()["row"] == 3


def test_warnings_of_a_result_are_coded_also_in_json() -> None:
    result = estimate(load("western_us_5lists"), "sparsemse")
    assert result.warnings and all(isinstance(w, MseMessage) for w in result.warnings)
    data = json.loads(json.dumps(result.to_json()))
    assert data["warnings"] == [str(w) for w in result.warnings]
    assert [w["code"] for w in data["warningCodes"]] == [w.code for w in result.warnings]
    empty = next(w for w in data["warningCodes"] if w["code"] == "empty_pairs")
    assert empty["params"] == {"pairs": "A:B, B:E"}
