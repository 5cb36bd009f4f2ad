"""Template mistakes a visitor would see."""

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "samen"


def test_no_comment_spans_lines():
    # Django's {# ... #} ends at the line's end: a longer one shows on the page as text.
    broken = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.glob("**/templates/**/*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert broken == [], "use {% comment %} for comments longer than a line"
