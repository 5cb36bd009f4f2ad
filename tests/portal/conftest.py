from tests.documents.conftest import reported  # noqa: F401 (a fixture)
