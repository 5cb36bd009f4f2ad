from tests.documents.conftest import reported, world  # noqa: F401 (fixtures)
