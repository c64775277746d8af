"""Email over a real SMTP server (aiosmtpd), delivered by the embedded default: a thread of this process, no Redis."""
from tests.helpers import COMPOSE, new_item, open_task
from tests.notices.helpers import wait_for_state
from webapp.extensions import db
from webapp.inbox import operations as inbox
from webapp.notices import channels, delivery
from webapp.notices.models import Notice, NoticeDelivery

TITLE = COMPOSE["title"]


def _set_email(org, username, address):
    org.users[username].email = address
    db.session.commit()


def test_a_new_task_is_mailed_to_the_verifier_after_commit(mail_app, smtp, org):
    _set_email(org, "verifier_a", "verifier.a@county-a.example.gov.cn")
    item = new_item(org)  # commits: the verifier's new task, one pending email delivery
    row = open_task(item.instance_id)
    [sent] = smtp.wait_for(1)

    assert sent["To"] == "verifier.a@county-a.example.gov.cn"
    assert sent["Subject"] == f"【GovFlow】新待办「核实审核」：{TITLE}"
    text = sent.get_content()
    assert TITLE in text and f"查看：https://govflow.example.gov.cn/tasks/{row.id}" in text
    [record] = db.session.query(NoticeDelivery).all()
    record = wait_for_state(record.id, {"sent"})
    assert (record.channel, record.address, record.state, record.attempts) == (
        "email", "verifier.a@county-a.example.gov.cn", "sent", 1)
    assert record.sent_dt is not None and record.last_error is None


def test_a_secret_items_email_has_neither_title_nor_body(mail_app, smtp, org):
    _set_email(org, "verifier_a", "verifier.a@county-a.example.gov.cn")
    item = new_item(org, secrecy="1")
    row = open_task(item.instance_id)
    inbox.urge(row.id, org.users["writer_a"], note="涉密正文不得外泄")
    db.session.commit()
    messages = smtp.wait_for(2)

    assert len(messages) == 2  # the new task and the urge
    for message in messages:
        whole = message.as_string() + message["Subject"] + message.get_content()
        assert TITLE not in whole and "涉密正文不得外泄" not in whole and "核实审核" not in whole
        assert message["Subject"] == delivery.SECRET_SUBJECT
        assert "请登录系统" in message.get_content()
        assert "https://govflow.example.gov.cn/notices/" in message.get_content()
    # In the app the cleared verifier still sees the titles, never a body.
    notices = db.session.query(Notice).filter_by(instance_id=item.instance_id, role="verifier").all()
    assert sorted(n.title for n in notices) == sorted([f"催办「核实审核」：{TITLE}", f"新待办「核实审核」：{TITLE}"])
    assert {n.body for n in notices} == {""}


def test_only_users_with_an_address_get_deliveries_and_no_channel_means_none(app, mail_app, smtp, org):
    _set_email(org, "verifier_a", "verifier.a@county-a.example.gov.cn")
    org.users["verifier_b"].email = None
    db.session.commit()
    new_item(org)
    new_item(org, writer="writer_b")
    smtp.wait_for(1)
    assert [(d.user_id, d.channel) for d in db.session.query(NoticeDelivery)] == [(org.users["verifier_a"].id, "email")]

    app.config["MAIL_SERVER"] = None  # no mail server and no NOTICE_CHANNELS: in-app notices only
    assert channels.names(app.config) == []
    new_item(org)
    assert db.session.query(NoticeDelivery).count() == 1


def test_sms_and_im_go_through_the_logging_adapter_by_default(app, mail_app, smtp, org, caplog):
    app.config["NOTICE_CHANNELS"] = "email,sms,im"
    org.users["verifier_a"].mobile = "13800000001"
    db.session.commit()
    with caplog.at_level("INFO", logger="webapp.notices.channels"):
        new_item(org)
        rows = (db.session.query(NoticeDelivery).filter_by(user_id=org.users["verifier_a"].id)
                .order_by(NoticeDelivery.channel).all())
        assert [(r.channel, r.address) for r in rows] == [("im", "verifier_a"), ("sms", "13800000001")]
        for row in rows:
            assert wait_for_state(row.id, {"sent", "failed"}).state == "sent"
    assert "via sms (logging adapter, nothing sent) to 13800000001" in caplog.text
    assert "via im (logging adapter, nothing sent) to verifier_a" in caplog.text
    assert f"新待办「核实审核」：{TITLE}" in caplog.text
    assert smtp.messages == []  # verifier_a has no email address
