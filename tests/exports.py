"""Reading an exported .xlsx back, to compare it with the table the page shows."""
import re
from io import BytesIO

from openpyxl import load_workbook


def read_back(data):
    """(title, header, rows) of an .xlsx made by webapp.workbooks.workbook, every cell as the text it shows."""
    sheet = load_workbook(BytesIO(data)).active
    values = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    return values[0][0], values[1], values[2:]


def screen_table(html, table_id):
    """(header, rows) of the HTML table with that id, cells as plain text."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    header = [_text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)]
    rows = [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("</thead>", 1)[-1], re.S)]
    return header, [r for r in rows if r]


def _text(cell):
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", cell)).strip()
