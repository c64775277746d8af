"""Links are built from the URL map, in a request and in a background job alike (`core.links`)."""
from webapp import create_app
from webapp.core import links


def test_a_job_builds_the_same_path_as_a_page(app):
    with app.test_request_context("/"):
        in_request = links.path_for("cases.detail", case_id=7)
    with app.app_context():  # as an RQ job or the sweep: no request
        in_job = links.path_for("cases.detail", case_id=7)
    assert in_request == in_job == "/cases/7"


def test_a_site_under_a_prefix_gets_prefixed_links_in_jobs(tmp_path):
    prefixed = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
                           "SECRET_KEY": "test", "DEMO_CLOCK": False, "SERVER_NAME": "govflow.example.gov.cn",
                           "APPLICATION_ROOT": "/govflow", "PREFERRED_URL_SCHEME": "https"})
    with prefixed.app_context():
        assert links.path_for("inbox.task", row_id=3) == "/govflow/tasks/3"


def test_an_instance_leads_to_its_domains_page(app):
    from webapp.core import hooks

    with app.test_request_context("/"):
        assert hooks.ask(hooks.instance_link, "instruction_case", instance_id=5) == "/cases/instance/5"
        assert links.instance_page("no_such_process", 5) == "/items/5"
