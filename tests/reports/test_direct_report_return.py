"""A 直报 item returned to its writer keeps the writer's choice of 报送至 on the form."""
import re

from tests.helpers import act, open_task
from tests.reports.chain_helpers import build_chain_org
from tests.reports.test_direct_report import _direct, _written
from tests.web_helpers import login


def test_a_returned_direct_report_item_keeps_its_choice(app):
    chain = build_chain_org()
    _direct(app, chain, "prov-info")
    item = _written(chain, "a", chain.units["prov-info"].id)
    act(chain, "verifier_a", item.instance_id, {"decision": "return", "opinion": "请补充数据"})
    row = open_task(item.instance_id)
    client = app.test_client()
    login(client, "writer_a")
    page = client.get(f"/tasks/{row.id}").get_data(as_text=True)
    field = re.search(r'<select id="report_to" name="report_to">(.*?)</select>', page).group(1)
    selected = re.search(r'<option value="(\d+)" selected>', field)
    assert selected and int(selected.group(1)) == chain.units["prov-info"].id, page[page.find("报送至"):][:400]
