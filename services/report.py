"""The 同事同标 report (services.selectors.service_report) for people: rows with Chinese labels, the date filter
of the admin page, and the Excel file. The ``services_report`` command prints the same figures."""

from __future__ import annotations

import io

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.domain import REGION_NAMES_ZH

COLUMNS = [("applications", "申请数"), ("completed", "办结数"), ("median_workdays", "办理用时中位数（工作日）"),
           ("on_time_rate", "按时办结率"), ("satisfaction", "满意度（平均分）"), ("ratings", "评价数")]


class ReportFilter(forms.Form):
    start = forms.DateField(label=_("提交日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("提交日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("截止日期不能早于起始日期"))
        return data


def _region(code: str) -> str:
    return REGION_NAMES_ZH.get(code, code)


def _cells(row: dict) -> list:
    out = []
    for key, _label in COLUMNS:
        value = row.get(key)
        if key == "on_time_rate" and value is not None:
            value = f"{value * 100:.1f}%"
        out.append("-" if value is None else value)
    return out


def report_rows(report: dict) -> list[dict]:
    """Sections of the report: a title and rows of (label, cells)."""
    return [
        {"title": "按事项", "rows": [(f"{r['item']} {r['name']}", _cells(r)) for r in report["by_item"]]},
        {"title": "按办理地", "rows": [(_region(r["region"]), _cells(r)) for r in report["by_region"]]},
        {"title": "按事项 × 办理地", "rows": [(f"{r['item']} {r['name']} · {_region(r['region'])}", _cells(r)) for r in report["by_item_region"]]},
    ]


def report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    header = ["", *[label for _key, label in COLUMNS]]
    for section in report_rows(report):
        sheet = book.create_sheet(section["title"].replace(" × ", "×")[:31])
        sheet.append(header)
        for label, cells in section["rows"]:
            sheet.append([label, *cells])
    sheet = book.create_sheet("合计")
    sheet.append(header)
    sheet.append(["合计", *_cells(report["total"])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
