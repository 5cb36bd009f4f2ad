from tests.budget.conftest import users  # noqa: F401  (a user per role, for budget and motions)
