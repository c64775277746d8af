"""Reading the inbox lists as a user sees them: rows, marks, tabs' counts, pages."""
from lxml import html

from tests.web_helpers import login


class Reader:
    """A logged-in test client that reads the inbox pages."""

    def __init__(self, app, username):
        self.client = app.test_client()
        self.token = login(self.client, username)

    def doc(self, path):
        response = self.client.get(path)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        return html.fromstring(response.get_data(as_text=True))

    def rows(self, path):
        """The rows of a list page, each as {title, kind, due, text, id}."""
        doc = self.doc(path)
        found = []
        for tr in doc.xpath("//table[@id='tasks' or @id='items']/tbody/tr[@data-kind]"):
            found.append({"title": tr.xpath("string(td[1]/a)").strip(), "kind": tr.get("data-kind"),
                          "due": tr.get("data-due"), "text": " ".join(tr.text_content().split()),
                          "id": tr.get("data-task-id") or tr.get("data-instance-id"),
                          "unread": "unread" in (tr.get("class") or ""), "link": tr.xpath("string(td[1]/a/@href)")})
        return found

    def titles(self, path):
        return [r["title"] for r in self.rows(path)]

    def badge(self, path, badge_id):
        """A nav badge's number, 0 when the badge is not shown."""
        found = self.doc(path).xpath(f"//*[@id='{badge_id}']")
        return int(found[0].text_content()) if found else 0

    def tab_counts(self, path):
        doc = self.doc(path)
        return {el.get("data-tab"): int(el.xpath("string(span[@class='count'])"))
                for el in doc.xpath("//*[@id='inbox-tabs']/*[@data-tab]") if el.xpath("span[@class='count']")}

    def next_page(self, path):
        links = self.doc(path).xpath("//*[@id='pager']/a[@rel='next']/@href")
        return links[0] if links else None

    def all_pages(self, path):
        """Titles of every page, following 下一页 to the end."""
        titles, pages = [], 0
        while path:
            titles += self.titles(path)
            path = self.next_page(path)
            pages += 1
        return titles, pages
