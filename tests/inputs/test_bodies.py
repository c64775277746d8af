"""JSON bodies: malformed, too deep, not finite, not an object or too large is a 4xx in Chinese, never a 500;
the error pages answer HTML or JSON as the client asks, in Chinese."""
import pytest

from tests.inputs.test_urls import answer
from tests.web_helpers import login

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def writer(app, org):
    client = app.test_client()
    token = login(client, "writer_a")
    return client, token


def _post(writer, body, path="/api/emergencies"):
    client, token = writer
    return client.post(path, data=body, content_type="application/json", headers={"X-CSRF-Token": token})


@pytest.mark.parametrize("body", [
    DEEP, '{"title": ' + DEEP + "}", "{" * 50_000, '{"title": "x"', "NaN", '{"secrecy": Infinity}',
    "[1, 2]", '"text"', "\xff\xfe", '{"a": ' * 33 + "1" + "}" * 33,
])
def test_a_bad_json_body_is_a_400_in_chinese(writer, body):
    response = _post(writer, body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "JSON" in answer(response) and "请求" in answer(response)


def test_nesting_within_the_bound_reaches_the_form_and_is_refused_by_field(writer):
    response = _post(writer, '{"title": ' + "[" * 20 + "]" * 20 + ', "secrecy": 1e400, "event_time": "\\u0000"}')
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields["title"] == ["应为文字"] and fields["secrecy"] == ["请选择有效的密级"]
    assert fields["event_time"] == ["时间格式应为 YYYY-MM-DDTHH:MM"]


def test_a_body_past_the_bound_is_a_413_in_chinese(writer):
    response = _post(writer, '{"title": "' + "x" * (5 * 1024 * 1024) + '"}')
    assert response.status_code == 413 and answer(response) == "提交的内容过大。"


def test_a_lone_surrogate_or_nul_in_json_text_is_refused_by_field(writer):
    response = _post(writer, '{"title": "\\ud800", "place": "a\\u0000b", "summary": "   "}')
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields["title"] == fields["place"] == ["含有不可见的控制字符，请删除后重试"]
    assert fields["summary"] == ["此项为必填项"]


@pytest.mark.parametrize(("method", "path", "status", "message"), [
    ("GET", "/logout", 405, "不支持的请求方式。"),
    ("GET", "/no/such/page", 404, "页面不存在或您无权查看。"),
    ("POST", "/api/tasks/1/complete", 400, "页面已过期，请刷新后重试。"),
])
def test_error_answers_are_chinese_in_html_and_json(client, method, path, status, message):
    for accept in ("text/html", "application/json"):
        response = client.open(path, method=method, headers={"Accept": accept})
        assert response.status_code == status
        assert response.is_json == (accept == "application/json" or path.startswith("/api/"))
        assert message in answer(response)
