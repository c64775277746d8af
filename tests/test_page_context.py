"""Pages get what they show from their views: no template global queries the database or restores a workflow."""
from contextlib import contextmanager

from flask import before_render_template, template_rendered

from tests.helpers import new_item
from tests.web_helpers import signed_in
from webapp.engine import store


@contextmanager
def _no_restore_while_rendering(app, monkeypatch):
    rendering = []
    restores = []
    original = store.restore

    def restore(instance, *args, **kwargs):
        restores.append(bool(rendering))
        return original(instance, *args, **kwargs)

    monkeypatch.setattr(store, "restore", restore)
    started = lambda *_a, **_k: rendering.append(True)  # noqa: E731
    ended = lambda *_a, **_k: rendering.pop()  # noqa: E731
    with before_render_template.connected_to(started, app), template_rendered.connected_to(ended, app):
        yield restores


def test_no_global_offers_a_query_to_the_templates(app):
    assert not {"diagram_state", "attachment_panel"} & set(app.jinja_env.globals)


def test_the_detail_pages_restore_the_workflow_in_the_view_not_in_the_template(app, org, monkeypatch):
    item = new_item(org)
    client, _token = signed_in(app, "writer_a")
    with _no_restore_while_rendering(app, monkeypatch) as restores:
        for path in (f"/reports/{item.id}", f"/items/{item.instance_id}"):
            page = client.get(path)
            assert page.status_code == 200
            text = page.get_data(as_text=True)
            assert 'id="instance-diagram"' in text and 'id="attachments"' in text
    assert restores and not any(restores)  # the diagram's state was computed, before rendering began
