"""A small generated data set of instruction cases (`generate`, also used by the browser test), with hand-computed
figures in the tests."""
import pytest

from tests.cases.helpers import CLOSE, local, new_case, reload
from tests.helpers import act
from webapp.core import clock

NOW = "2026-04-02 10:00:00"
EARLY = {"instruction_date": "2026-02-19"}


def close(org, case, county, signer):
    """报结 by the unit's handler, signed by its leader, accepted by the 督查室."""
    act(org, f"handler_{county}", case.instance_id, CLOSE)
    act(org, signer, case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})


@pytest.fixture
def cases(org):
    return generate(org)


def generate(org):
    """Deadlines end at 23:59:59 local. p1 a: due 3-07, closed 3-10 (late). p2 b: due 3-07, open (overdue).
    p3 a: due 3-17 extended to 3-27, closed 3-25 (late by the first deadline, on time by the extended one).
    p4 b: city leader, due 4-02, open. p5 a: due 3-17, closed 3-31 23:30 (late, March). p6 b: due 3-17, closed
    4-01 00:10 (late, April in Shanghai). p7 a: due 3-17 extended to 3-20, closed 3-23 (late by 3 days).
    Now: 2026-04-02 10:00."""
    clock.set_fixed(local("2026-02-20 09:00:00"))
    p1, p2 = new_case(org, **EARLY), new_case(org, lead="county-b", **EARLY)
    clock.set_fixed(local("2026-03-02 09:00:00"))
    p3 = new_case(org, title="关于黄泥塘坝体加固的批示")
    p4 = new_case(org, lead="county-b", level="city")
    p5, p6 = new_case(org), new_case(org, lead="county-b")
    p7 = new_case(org, title="关于城区内涝点整治的批示")
    clock.set_fixed(local("2026-03-10 09:00:00"))
    close(org, p1, "a", "principal_a")
    extend(org, p3, "2026-03-27")
    extend(org, p7, "2026-03-20")
    clock.set_fixed(local("2026-03-23 09:00:00"))
    close(org, p7, "a", "principal_a")
    clock.set_fixed(local("2026-03-25 09:00:00"))
    close(org, p3, "a", "principal_a")
    clock.set_fixed(local("2026-03-31 23:30:00"))
    close(org, p5, "a", "principal_a")
    clock.set_fixed(local("2026-04-01 00:10:00"))
    close(org, p6, "b", "principal_b")
    clock.set_fixed(local(NOW))
    return {f"p{i}": reload(c) for i, c in enumerate((p1, p2, p3, p4, p5, p6, p7), start=1)}


def extend(org, case, until):
    """The unit asks for an extension (申请延期) and the 督查室 approves it."""
    act(org, "handler_a", case.instance_id, {"decision": "extension", "extend_until": until,
                                             "extension_reason": "涉及多部门协调，需补充现场核查。"})
    act(org, "dc", case.instance_id, {"decision": "approve", "opinion": "同意"})
