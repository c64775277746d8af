"""Diagram XML is only ever a download: admins get versions, an instance's people get its diagram, never inline."""
import pytest

from tests.helpers import new_item
from tests.web_helpers import login
from webapp.engine import definitions

# An XHTML script in the extension elements: a browser showing the file inline as XML would run it.
STORED_XSS = ('<bpmn:extensionElements><h:script xmlns:h="http://www.w3.org/1999/xhtml">'
              "alert(document.cookie)</h:script></bpmn:extensionElements>")


def assert_download_only(response, body=None):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    if body is not None:
        assert response.get_data(as_text=True) == body


@pytest.mark.parametrize("username", ["dc", "writer_a", "editor", "verifier_a"])
def test_a_version_file_is_for_admins_only(app, org, username):
    definition = definitions.latest("info_report")
    client = app.test_client()
    login(client, username)
    assert client.get(f"/admin/designer/definitions/{definition.id}.bpmn").status_code == 403


def test_an_admin_downloads_a_version_as_an_attachment_even_with_markup_inside(client, org):
    xml = definitions.latest("info_report").bpmn_xml.replace(
        '<bpmn:userTask id="verify" name="核实审核">', '<bpmn:userTask id="verify" name="核实审核">' + STORED_XSS, 1)
    definition, created = definitions.deploy("info_report", xml, comment="含脚本的扩展元素")
    assert created
    login(client, "admin")
    for url in (f"/admin/designer/definitions/{definition.id}.bpmn",
                f"/admin/designer/definitions/{definition.id}.bpmn?download=1"):
        assert_download_only(client.get(url), xml)


def test_an_instance_diagram_is_served_to_who_may_see_the_instance_and_no_one_else(app, org):
    item = new_item(org)
    url = f"/admin/designer/instances/{item.instance_id}.bpmn"
    writer, stranger = app.test_client(), app.test_client()
    login(writer, "writer_a")
    assert_download_only(writer.get(url), definitions.latest("info_report").bpmn_xml)
    page = writer.get(f"/reports/{item.id}").get_data(as_text=True)
    assert f'data-source="{url}"' in page
    login(stranger, "writer_b")  # another county's writer: not the item's
    assert stranger.get(url).status_code == 404
    assert app.test_client().get(url).status_code in (302, 401)
