"""docs/api.md's Python client runs as written against a live server with a token issued on the page."""
import contextlib
import io
import os
import re
import threading
from pathlib import Path
from unittest import mock

from werkzeug.serving import make_server

from tests.api.helpers import _issue
from webapp.extensions import db
from webapp.reports.operations import create_item

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_the_documented_client_runs(app, org):
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    _item, task = create_item(org.users["writer_a"])  # a draft: the writer's 待办 holds its 撰写 step
    db.session.commit()
    _client, _csrf, secret = _issue(app, "writer_a")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    out = io.StringIO()
    try:
        env = {"GOVFLOW_URL": f"http://127.0.0.1:{server.server_port}", "GOVFLOW_TOKEN": secret}
        with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out):
            exec(compile(code, str(DOC), "exec"), {"__name__": "example"})
    finally:
        server.shutdown()
        thread.join(timeout=5)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"我是 {org.users['writer_a'].name} {org.users['writer_a'].unit.name}"
    assert lines[1:-1] == [f"待办 {task.id} {task.step_label} {task.title}"]
    assert lines[-1] == "404 页面不存在或您无权查看。 信息不存在或您无权查看。"
