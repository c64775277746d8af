"""The matrix's POSTs are real: for every POST endpoint someone it names is not refused (so the refusals that
test_access_matrix.py sees are the app's, not a wrong URL or form). Its own world: these writes go through."""
import pytest

from .matrix import MATRIX
from .test_access_matrix import REFUSED, Checker, to_login
from .world import ANONYMOUS, NAMES

POSTS = [endpoint for endpoint, entry in MATRIX.items() if entry.post is not None]
# Switched off in the test app's configuration: nobody gets through, everybody gets the same 404.
OFF = {"admin.advance_clock": "the demo clock (DEMO_CLOCK=False)"}


@pytest.mark.parametrize("endpoint", POSTS)
def test_someone_named_may_post(app, world, clients, endpoint):
    entry = MATRIX[endpoint]
    answers = []
    for name in [n for kind in entry.kinds for n in NAMES[kind]] or [None]:
        checker = Checker(app, world, clients, endpoint, name)
        for person in world.people.values():
            if person.username == ANONYMOUS or entry.post(person, checker.obj, world) is False:
                continue
            response = checker.send_post(person)
            answers.append(f"{person.username} {name}: {response.status_code}")
            assert response.status_code < 500, f"{endpoint} as {person.username} on {name}: {response.status_code}"
            if response.status_code not in REFUSED and response.status_code != 400 and not to_login(response):
                return
    if endpoint in OFF:
        assert answers and all(answer.endswith(": 404") for answer in answers), answers
        return
    pytest.fail(f"{endpoint}: nobody the matrix names got through: {answers}")
