"""URL ids beyond 1 .. 2^31-1, in other scripts' digits, and text parts with control characters are a plain 404."""
import pytest

from webapp.inputs.urls import IdConverter, TextConverter, TextPathConverter

OUT_OF_RANGE = ["0", "2147483648", "99999999999", "9" * 400, "%D9%A1", "%EF%BC%91", "-1", "1e3", "+1"]


def _id_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IdConverter) for c in rule._converters.values())]


def _url(app, rule, method, value):
    """The rule's path with every id set to `value` and any other part to a plain word."""
    marker = 1234567
    args = {name: marker if isinstance(c, IdConverter) else "x" for name, c in rule._converters.items()}
    return app.url_map.bind("localhost").build(rule.endpoint, args, method=method).replace(str(marker), value)


def answer(response):
    """What the user reads: the JSON message (a problem's detail under /api/v1), or the page."""
    if not response.is_json:
        return response.get_data(as_text=True)
    body = response.get_json()
    return body["detail"] if response.mimetype == "application/problem+json" else body["message"]


def test_every_int_route_uses_the_bounded_converter(app):
    rules = list(app.url_map.iter_rules())
    ints = [r for r in rules if "<int:" in r.rule]
    assert ints and all(isinstance(r._converters[name], IdConverter)
                        for r in ints for name in r._converters if f"<int:{name}>" in r.rule)
    texts = [c for r in rules if r.endpoint != "static" for c in r._converters.values()
             if not isinstance(c, IdConverter)]
    assert texts and all(isinstance(c, TextConverter | TextPathConverter) for c in texts)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_id_out_of_range_is_a_404_on_every_int_route(app, client, value):
    rules = _id_rules(app)
    assert len(rules) > 25
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _url(app, rule, method, value)
            response = client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "页面不存在或您无权查看" in answer(response), url


def test_the_largest_id_still_reaches_the_view(app, client):
    """2^31-1 is in range: the route matches and the view answers (here: please log in)."""
    response = client.get("/items/2147483647")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/admin/designer/a%00b/edit", "/attachments/a%00b", "/vendor/x%01.js",
                                  "/scoring/ranking.x%00"])
def test_a_control_character_in_a_url_part_is_a_404_in_chinese(client, path):
    for accept in ("text/html", "application/json"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, path
        assert "页面不存在或您无权查看" in answer(response)
