"""Cases in every state the desk shows, as of NOW (2026-03-16 10:00 in Shanghai), and ways to read the desk."""
from tests.cases.helpers import CLOSE, PROGRESS, local, new_case, reload, travel_to
from tests.helpers import act
from webapp.core import clock
from webapp.core.forms import load
from webapp.supervision import queries
from webapp.supervision.schemas import DeskFilterSchema

NOW = "2026-03-16 10:00:00"
EXTENSION = {"decision": "extension", "extend_until": "2026-03-20",
             "extension_reason": "涉及多部门协调，需补充现场核查。"}


def close(org, case, county, signer):
    """报结, signed by `signer` (the principal leader for central/provincial cases), accepted by 督查室."""
    act(org, f"handler_{county}", case.instance_id, CLOSE)
    act(org, signer, case.instance_id, {"decision": "sign"})
    act(org, "dc", case.instance_id, {"decision": "accept"})


def build_cases(org):
    """At NOW: A yellow (provincial, due 3-17), B green (city, due 4-02), C red (due 3-07, one progress report),
    D extended 3-07 → 3-20 (green), E closed on time (2-25), F closed late (3-10)."""
    clock.set_fixed(local("2026-02-20 09:00:00"))
    early = {"instruction_date": "2026-02-19"}
    c = new_case(org, lead="county-b", title="关于渔湾港口整治的批示", **early)
    d = new_case(org, title="关于黄泥塘坝体加固的批示", **early)
    e = new_case(org, lead="county-b", title="关于渡口安全的批示", **early)
    f = new_case(org, title="关于集镇供水的批示", **early)
    clock.set_fixed(local("2026-02-25 09:00:00"))
    act(org, "handler_b", c.instance_id, PROGRESS)
    clock.set_fixed(local("2026-02-25 10:00:00"))
    act(org, "handler_a", d.instance_id, EXTENSION)
    act(org, "dc", d.instance_id, {"decision": "approve", "opinion": "同意"})
    close(org, e, "b", "principal_b")
    clock.set_fixed(local("2026-03-02 09:00:00"))
    a = new_case(org)
    b = new_case(org, lead="county-b", level="city", source_leader="市长 赵某")
    clock.set_fixed(local("2026-03-10 09:00:00"))
    close(org, f, "a", "principal_a")
    travel_to(local(NOW))
    return {k: reload(v) for k, v in dict(a=a, b=b, c=c, d=d, e=e, f=f).items()}


def desk_of(org, user="dc", **args):
    return queries.desk(queries.scope_of(org.users[user]), load(DeskFilterSchema, args))


def nos(desk):
    return [r.case.case_no for r in desk.rows]
