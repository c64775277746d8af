"""The shared Excel export (webapp/workbooks.py): headers, widths, text that stays text, the Chinese file name."""
from io import BytesIO

from openpyxl import load_workbook

from webapp import workbooks


def _sheet(data):
    return load_workbook(BytesIO(data.read() if hasattr(data, "read") else data)).active


def test_a_report_workbook_has_a_title_a_bold_frozen_header_and_a_bold_total():
    sheet = _sheet(workbooks.workbook(["承办单位", "超期未办结", "备注"],
                                    [["a县委办公室", 3, "=SUM(A1:A9)"], ["b", 0, "+1-2"]],
                                    title="超期批示件统计", total=["合计", 3, ""]))
    assert sheet.title == "超期批示件统计"
    assert [c.value for c in sheet[1]][:1] == ["超期批示件统计"] and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["承办单位", "超期未办结", "备注"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet["C3"].value == "=SUM(A1:A9)" and sheet["C3"].data_type == "s"  # never a formula
    assert sheet["C4"].value == "+1-2" and sheet["C4"].data_type == "s"
    assert sheet["B3"].value == 3 and sheet["B3"].data_type == "n"  # figures stay numbers
    assert [c.value for c in sheet[5]][:2] == ["合计", 3] and sheet["A5"].font.bold


def test_columns_fit_their_widest_text_with_cjk_counted_double():
    sheet = _sheet(workbooks.workbook(["单位", "n"], [["a县委办公室", 1], ["x" * 200, 2]], title="t"))
    assert workbooks.display_width("a县委办公室") == 11
    assert sheet.column_dimensions["A"].width == workbooks.MAX_WIDTH  # capped
    assert sheet.column_dimensions["B"].width == workbooks.MIN_WIDTH
    sheet = _sheet(workbooks.workbook(["承办单位名称很长很长"], [["a"]]))
    assert sheet.column_dimensions["A"].width == 22  # ten CJK characters + 2
    assert sheet.freeze_panes == "A2" and [c.value for c in sheet[1]] == ["承办单位名称很长很长"]


def test_characters_excel_refuses_are_dropped():
    sheet = _sheet(workbooks.workbook(["摘要"], [["坏\x07字符"]]))
    assert sheet["A2"].value == "坏字符"


def test_the_download_keeps_its_chinese_name(app):
    with app.test_request_context():
        report = workbooks.Report(title="领导批示件月报表", columns=["单位", "数"], rows=[["a", 1]], total=["合计", 1])
        response = workbooks.report_response(report)
        response.direct_passthrough = False
        assert response.mimetype == workbooks.XLSX
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=\"export.xlsx\"; filename*=UTF-8''"
            "%E9%A2%86%E5%AF%BC%E6%89%B9%E7%A4%BA%E4%BB%B6%E6%9C%88%E6%8A%A5%E8%A1%A8.xlsx")
        sheet = _sheet(response.get_data())
        assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["单位", "数"], ["a", 1],
                                                                                  ["合计", 1]]
        empty = workbooks.Report(title="空表", columns=["单位"], rows=[], total=["合计"])
        response = workbooks.report_response(empty)
        response.direct_passthrough = False
        sheet = _sheet(response.get_data())
        assert sheet.max_row == 2  # no total under no rows, as the page shows
