"""综合: three counties' items merged by the city's editor into one combined item, adopted and given a 批示; each
county is credited in the ranking with its share of the points; the rules (clearance, foreign items, one item,
shares, a concurrent adoption, a repeated post) refuse in Chinese."""
from datetime import date

import pytest

from tests.helpers import act, open_task
from tests.scoring.helpers import at, decide, submitted_item
from tests.web_helpers import once, signed_in
from webapp.core.errors import FormInvalid, TaskConflict
from webapp.editorial import issues, merging, publications
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.reports.models import InfoItem, ItemMerge
from webapp.scoring import operations, queries

APRIL = date(2026, 4, 1)


@pytest.fixture
def three(org):
    """A third county, and one item of each county submitted to the city's office in April."""
    org.unit("county-c", "c县委办公室", "county", "city")
    for role in ("writer", "verifier", "leader"):
        org.user(f"{role}_c", "county-c", [role], clearance=1 if role == "writer" else 2)
    db.session.commit()
    org.items = [submitted_item(org, county, f"2026-04-0{n} 09:00", title=f"{county}县春耕进展",
                                body=f"{county}县春耕播种面积同比增长，农资供应充足。")
                 for n, county in enumerate("abc", start=1)]
    return org


def _values(items, **changes):
    return {"item_ids": [i.id for i in items], "shares": [], "title": "全市春耕进展综述",
            "body": "三县春耕进展顺利，播种面积同比增长，农资供应充足。", "category": "经济运行", "secrecy": 0,
            "urgency": "normal", **changes}


def _merge(org, items, user="editor", **changes):
    combined = merging.merge(org.users[user], _values(items, **changes))
    db.session.commit()
    return combined


def _item(item_id):
    db.session.expire_all()
    return db.session.get(InfoItem, item_id)


def test_a_combined_item_credits_three_units(three):
    org = three
    at("2026-04-10 09:00")
    combined = _merge(org, org.items)
    assert (combined.unit_id, combined.target_unit_id, combined.submitted_dt) == (
        org.units["city-info"].id, org.units["city-info"].id, None)  # the office's own, never a submission
    for source in org.items:
        row = _item(source.id)
        assert (row.status, row.outcome, row.current_step) == ("merged", "merge", None)
        assert row.editor_remark == "已综合入《全市春耕进展综述》"
    assert [m.share_bp for m in merging.sources_of(combined)] == [3334, 3333, 3333]
    edit = db.session.query(HumanTask).filter_by(instance_id=org.items[0].instance_id, step_key="edit").one()
    assert (edit.state, edit.outcome) == ("completed", "merge")
    told = {n.title for n in db.session.query(Notice).filter_by(user_id=org.users["writer_a"].id)}
    assert "信息已反馈：《a县春耕进展》已综合入《全市春耕进展综述》" in told

    # The combined item waits in the editor's 待办 and is adopted into 专报 (6 points), then earns a 批示 (10).
    assert open_task(combined.instance_id).form_key == "editorial.merged_edit"
    decide(org, combined, "2026-04-12 10:00", "adopt", "专报")
    combined = _item(combined.id)
    assert (combined.status, combined.publication) == ("adopted", "专报")
    special = publications.by_name(org.units["city-info"].id, "专报")
    assert [i.id for i in issues.candidates(special)] == [combined.id]  # it may go into an issue of 专报
    at("2026-04-16 09:00")
    operations.record_instruction(combined, {"leader_name": "省委副书记 李某", "leader_level": "provincial",
                                             "text": "请推广。", "instructed_on": "2026-04-15"}, org.users["editor"])
    db.session.commit()
    told = {(n.unit_id, n.role) for n in db.session.query(Notice).filter(Notice.title.startswith("领导批示"))}
    assert {(org.units[f"county-{c}"].id, "writer") for c in "abc"} <= told

    ranking = queries.month_ranking(org.units["city-info"], APRIL)
    rows = {row.unit.code: row for row in ranking.rows}
    assert "city-info" not in rows
    for code, share in (("county-a", 0.3334), ("county-b", 0.3333), ("county-c", 0.3333)):
        row = rows[code]
        assert (row.submitted, row.adopted, row.instructions) == (1, {"专报": 1}, {"provincial": 1})
        assert row.adoption_rate == 1
        assert row.score == round(6 * share + 10 * share, 2)
    quarter = {row.unit.code: row for row in queries.quarter_ranking(org.units["city-info"], 2026, 2).rows}
    assert (quarter["county-c"].adopted, quarter["county-c"].merged) == (
        {"专报": 1}, [("adoption", "专报", 3333), ("instruction", "provincial", 3333)])  # the quarter counts alike
    table = {line[1]: line for line in queries.table_rows(ranking)}
    assert table["c县委办公室"][-1] == "综合采用 1 条（占 1/3）；综合批示 1 件（占 1/3）"
    assert table["a县委办公室"][-2] == 5.33


def test_edited_shares_weigh_the_points_and_the_pages_link_both_ways(app, three):
    org = three
    a, b = org.items[:2]
    combined = _merge(org, [a, b], shares=[75, 25])
    decide(org, combined, "2026-04-12 10:00", "adopt", "专报")
    rows = {row.unit.code: row for row in queries.month_ranking(org.units["city-info"], APRIL).rows}
    assert (rows["county-a"].score, rows["county-b"].score, rows["county-c"].adopted) == (4.5, 1.5, {})

    client, _token = signed_in(app, "writer_a")
    page = client.get(f"/reports/{a.id}").get_data(as_text=True)
    assert "已综合入" in page and f'href="/reports/{combined.id}"' in page and "本单位占 3/4" in page
    page = client.get(f"/reports/{combined.id}")  # the source's unit may read what its item went into
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "综合自" in text and f'href="/reports/{a.id}"' in text
    assert "b县委办公室的信息（占 1/4）" in text and b.title not in text  # another county's title stays its own
    client, _token = signed_in(app, "writer_c")  # county c's item was not merged
    assert client.get(f"/reports/{combined.id}").status_code == 404
    client, _token = signed_in(app, "editor")
    page = client.get(f"/reports/{combined.id}").get_data(as_text=True)
    assert f'href="/reports/{a.id}"' in page and f'href="/reports/{b.id}"' in page


def test_secret_sources_only_for_a_cleared_editor_and_never_a_lower_mark(three):
    org = three
    a = org.items[0]
    secret = submitted_item(org, "b", "2026-04-05 09:00", title="b县涉密情况", secrecy="1")
    assert secret.id not in {i.id for i in merging.candidates(org.users["editor_low"])}
    assert secret.id in {i.id for i in merging.candidates(org.users["editor"])}
    with pytest.raises(FormInvalid) as refused:
        merging.merge(org.users["editor_low"], _values([a, secret]))
    assert "无权查看" in refused.value.fields["item_ids"][0]
    db.session.rollback()
    with pytest.raises(FormInvalid) as refused:
        merging.merge(org.users["editor"], _values([a, secret], secrecy=0))
    assert refused.value.fields["secrecy"] == ["密级不得低于所综合信息的最高密级（内部）"]
    db.session.rollback()
    combined = _merge(org, [a, secret], secrecy=1, urgency="urgent")
    assert (combined.secrecy, combined.urgency, combined.instance.secrecy) == (1, "urgent", 1)
    assert open_task(combined.instance_id).secrecy == 1


def test_bad_inputs_are_refused_in_chinese(three):
    org = three
    a, b, c = org.items
    foreign = submitted_item(org, "a", "2026-04-06 09:00", title="a县另一条")
    cases = [
        (_values([]), "item_ids", "请至少选择2条信息进行综合"),
        (_values([a]), "item_ids", "请至少选择2条信息进行综合"),
        (_values([a, a]), "item_ids", "请至少选择2条信息进行综合"),
        (_values([a, b], shares=[50, 40]), "shares", "各单位占比之和应为100%，现为90%"),
        (_values([a, b], shares=[100]), "shares", "请为每条所选信息填写占比"),
        (_values([a, b], shares=[100, 0]), "shares", "每条信息的占比应大于0"),
        (_values([a, b], shares=[33.333, 66.667]), "shares", "占比最多保留两位小数"),
    ]
    for values, field_name, message in cases:
        with pytest.raises(FormInvalid) as refused:
            merging.merge(org.users["editor"], values)
        assert refused.value.fields[field_name] == [message]
        db.session.rollback()
    # An item of another office (the province's), however it is named, is not this editor's to merge.
    org.user("prov_editor", "prov-info", ["editor"])
    db.session.commit()
    with pytest.raises(FormInvalid) as refused:
        merging.merge(org.users["prov_editor"], _values([a, foreign]))
    assert "不是报送本单位的信息" in refused.value.fields["item_ids"][0]
    db.session.rollback()
    assert all(_item(i.id).status == "editing" for i in (a, b, c, foreign))
    assert db.session.query(ItemMerge).count() == 0


def test_a_source_adopted_meanwhile_and_a_second_merge_conflict(three):
    org = three
    a, b, c = org.items
    decide(org, b, "2026-04-08 10:00", "adopt", "专报")  # taken by a colleague before the merge is posted
    with pytest.raises(TaskConflict) as conflict:
        merging.merge(org.users["editor"], _values([a, b]))
    assert conflict.value.message == "“b县春耕进展”已由他人处理（已采用），不能再综合；请刷新后重新选择。"
    db.session.rollback()
    _merge(org, [a, c])
    with pytest.raises(TaskConflict) as conflict:
        merging.merge(org.users["editor"], _values([a, c]))
    assert conflict.value.message == "“a县春耕进展”已综合入《全市春耕进展综述》，不能再综合；请刷新后重新选择。"
    db.session.rollback()
    assert db.session.query(ItemMerge).count() == 2


def test_merge_is_no_decision_of_the_edit_form(three):
    """综合 through the ordinary 编辑处理 form (a forged post) is refused: only a merge of this item may say so."""
    org = three
    a, b, c = org.items
    _merge(org, [a, b])
    token = db.session.query(ItemMerge).filter_by(source_item_id=a.id).one().token
    for form in ({"decision": "merge"}, {"decision": "merge", "merge_token": token}):
        with pytest.raises(FormInvalid) as refused:
            act(org, "editor", c.instance_id, form)
        assert refused.value.fields["decision"] == ["综合请在“综合信息”页选择要综合的信息"]
        db.session.rollback()
    assert _item(c.id).status == "editing"


def test_the_merge_page_posts_once(app, three):
    org = three
    a, b, _c = org.items
    client, token = signed_in(app, "editor")
    page = client.get(f"/editorial/merge?item_ids={a.id}&item_ids={b.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="50.00"' in text and "【a县委办公室】a县春耕进展" in text
    form = {"item_ids": [a.id, b.id], "shares": ["60", "40"], "title": "两县春耕综述",
            "body": "两县春耕进展顺利，播种面积同比增长。", "category": "经济运行", "secrecy": "0",
            "urgency": "normal", "csrf_token": token, **once()}
    first = client.post("/editorial/merge/new", data=form)
    again = client.post("/editorial/merge/new", data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.query(ItemMerge).count() == 2
    bad = client.post("/editorial/merge/new", data={**form, "shares": ["60", "60"], **once()})
    assert bad.status_code == 422 and "各单位占比之和应为100%，现为120%" in bad.get_data(as_text=True)
    again = client.post("/editorial/merge/new", data={**form, **once()})  # a second merge of the same items
    assert again.status_code == 409 and "已综合入《两县春耕综述》" in again.get_data(as_text=True)
    one = client.get(f"/editorial/merge?item_ids={_c.id}")
    assert one.status_code == 422 and "请至少选择2条信息进行综合" in one.get_data(as_text=True)
