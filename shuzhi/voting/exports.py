"""测评结果统计表 (.xlsx) of a closed vote. Pure: the results in, bytes out, no database access.

A Chinese office document, so titles, headers and sheet names are Chinese literals (the file format),
as in shuzhi.cycles.exports. Written through shuzhi.core.spreadsheets: text typed by voters (or anyone) is data, never a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from openpyxl.worksheet.worksheet import Worksheet

from shuzhi.core import spreadsheets
from shuzhi.voting.results import Suggestions, SurveyResults
from shuzhi.voting.tally import PresenterResult

XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
FONT_NAME = spreadsheets.FONT_NAME
TITLE_ROW, MEETING_ROW, SUMMARY_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
PERCENT = "0.0%"
SCORE = "0.00"


def results_file_name(meeting, survey) -> str:
    suffix = "（模拟测评）" if survey.is_rehearsal else ""
    return f"{meeting.title}测评结果统计表{suffix}.xlsx"


def _header(ws: Worksheet, row: int, headers: Sequence[tuple[str, int]]) -> None:
    spreadsheets.header_row(ws, row, headers)


def _body(
    ws: Worksheet, row: int, values: Sequence, *, left: set[int] = frozenset(), formats: dict[int, str] | None = None
) -> None:
    spreadsheets.body_row(ws, row, values, left=left, formats=formats)


def _line(
    ws: Worksheet,
    row: int,
    text: str,
    columns: int,
    *,
    size: int = 11,
    bold: bool = False,
    height: float | None = None,
    centred: bool = False,
) -> None:
    spreadsheets.title_line(ws, row, text, columns, size=size, bold=bold, height=height, centred=centred)


def _print_setup(ws: Worksheet, header_row: int, columns: int) -> None:
    spreadsheets.print_setup(ws, header_row=header_row, columns=columns)


def _presenter_values(number: int, p: PresenterResult, option_keys: list[str], issued: int) -> list:
    return [
        number,
        p.name,
        p.organization,
        *[p.counts.get(k, 0) for k in option_keys],
        p.not_rated,
        p.rated + p.not_rated,
        p.satisfaction_rate,
        round(p.score, 2) if p.score is not None else None,
        issued,
    ]


def _summary(meeting, survey, outcome: SurveyResults) -> tuple[str, str]:
    starts = timezone.localtime(meeting.starts_at) if timezone.is_aware(meeting.starts_at) else meeting.starts_at
    closed = timezone.localtime(survey.closed_at).strftime("%Y-%m-%d %H:%M") if survey.closed_at else ""
    where = f"会议：{meeting.title}　　时间：{starts:%Y年%m月%d日 %H:%M}　　地点：{meeting.place}　　测评结束：{closed}"
    void, flagged = sum(outcome.void.values()), sum(outcome.flagged.values())
    counts = (
        f"发放测评码 {outcome.codes_issued} 个，收回测评票 {outcome.ballots} 张，其中有效票 {outcome.valid} 张、"
        f"无效票 {void} 张、存疑票 {flagged} 张（无效票、存疑票单独统计，不计入下表）。"
    )
    return where, counts


def _results_sheet(ws: Worksheet, meeting, survey, outcome: SurveyResults, options: list[dict], formula: str) -> None:
    option_keys = [o["key"] for o in options]
    headers = [
        ("序号", 6),
        ("述职人", 12),
        ("所在党组织", 28),
        *[(o["label"], 10) for o in options],
        ("未评价", 8),
        ("有效票", 8),
        ("满意率", 10),
        ("得分", 10),
        ("发放测评码", 11),
    ]
    columns = len(headers)
    rate_col, score_col = columns - 2, columns - 1
    title = f"{meeting.title}满意度测评结果统计表" + ("（模拟测评，不计入结果）" if survey.is_rehearsal else "")
    _line(ws, TITLE_ROW, title, columns, size=16, bold=True, height=36, centred=True)
    where, counts = _summary(meeting, survey, outcome)
    _line(ws, MEETING_ROW, where, columns, height=30)
    _line(ws, SUMMARY_ROW, counts, columns, height=30)
    _header(ws, HEADER_ROW, headers)
    row = FIRST_DATA_ROW
    for number, presenter in enumerate(outcome.presenters, start=1):
        _body(
            ws,
            row,
            _presenter_values(number, presenter, option_keys, outcome.codes_issued),
            left={2, 3},
            formats={rate_col: PERCENT, score_col: SCORE},
        )
        row += 1
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    if outcome.flagged_presenters:
        row += 1
        _line(ws, row, "存疑票单独统计（未计入上表）", columns, bold=True)
        row += 1
        for number, presenter in enumerate(outcome.flagged_presenters, start=1):
            _body(
                ws,
                row,
                _presenter_values(number, presenter, option_keys, outcome.codes_issued),
                left={2, 3},
                formats={rate_col: PERCENT, score_col: SCORE},
            )
            row += 1
    row += 1
    values = "，".join(f"{o['label']} = {o['value']:g} 分" for o in options)
    satisfied = "、".join(o["label"] for o in options if o.get("satisfied"))
    notes = [
        f"说明：满意率 = 评价为“{satisfied}”的票数 ÷ 对该述职人作出评价的有效票数；未评价的票不计入该述职人的满意率和得分。",
        f"得分：{formula}",
        f"选项分值：{values}。",
        "意见建议见“意见建议”表；写在无效票、存疑票上的意见建议也全部列出，并注明其来源。",
        f"封存摘要（SHA-256）：{survey.seal_digest}",
    ]
    for note in notes:
        _line(ws, row, note, columns, height=32)
        row += 1
    _print_setup(ws, HEADER_ROW, columns)


def _categories_sheet(ws: Worksheet, outcome: SurveyResults, options: list[dict]) -> None:
    headers = [
        ("述职人", 12),
        ("评议人员类别", 16),
        ("权重（%）", 10),
        *[(o["label"], 10) for o in options],
        ("评价票数", 10),
        ("平均分值", 10),
    ]
    _header(ws, 1, headers)
    row = 2
    for presenter in outcome.presenters:
        for category in presenter.by_category:
            _body(
                ws,
                row,
                [
                    presenter.name,
                    category.name,
                    float(category.weight),
                    *[category.counts.get(o["key"], 0) for o in options],
                    category.rated,
                    round(category.mean, 2) if category.mean is not None else None,
                ],
                left={1, 2},
                formats={len(headers): SCORE},
            )
            row += 1
    ws.freeze_panes = "A2"
    _print_setup(ws, 1, len(headers))


def _items_sheet(ws: Worksheet, outcome: SurveyResults, items: list[dict]) -> None:
    width = max(len(i["options"]) for i in items)
    headers = [("述职人", 12), ("评价项目", 24), *[(f"选项{n}", 14) for n in range(1, width + 1)]]
    _header(ws, 1, headers)
    row = 2
    for presenter in outcome.presenters:
        for item in items:
            counts = presenter.item_counts.get(item["key"], {})
            _body(
                ws,
                row,
                [presenter.name, item["label"], *[f"{o['label']}：{counts.get(o['key'], 0)}" for o in item["options"]]],
                left={1, 2},
            )
            row += 1
    ws.freeze_panes = "A2"
    _print_setup(ws, 1, len(headers))


# Where a suggestion was written: valid ballots first, then those not in the scores, each so labelled.
SUGGESTION_SOURCES = (
    ("suggestions", "有效票"),
    ("void_suggestions", "无效票（未计入测评结果）"),
    ("flagged_suggestions", "存疑票（单独统计，未计入得分）"),
)


def _suggestion_rows(suggestions: Suggestions, source: str) -> list[list[str]]:
    rows = [[p.name, p.organization, text, source] for p in suggestions.presenters for text in p.texts]
    return rows + [["总体意见建议", "", text, source] for text in suggestions.overall]


def _suggestions_sheet(ws: Worksheet, meeting, outcome: SurveyResults) -> None:
    """Every suggestion: on valid ballots, then on void and set-aside ballots, with where it was written.
    Each group is sorted by text (SurveyResults), so no row can be traced to a ballot or its order."""
    headers = [("序号", 6), ("述职人", 12), ("所在党组织", 28), ("意见建议", 70), ("来源", 16)]
    _line(ws, 1, f"{meeting.title}意见建议汇总", len(headers), size=14, bold=True, height=30, centred=True)
    _header(ws, 2, headers)
    row, number = 3, 0
    for attribute, source in SUGGESTION_SOURCES:
        for values in _suggestion_rows(getattr(outcome, attribute), source):
            number += 1
            _body(ws, row, [number, *values], left={2, 3, 4})
            row += 1
    ws.freeze_panes = "A3"
    _print_setup(ws, 2, len(headers))


def results_workbook(meeting, survey, outcome: SurveyResults, *, formula: str) -> bytes:
    """The 测评结果统计表 of a closed survey: the result per presenter, then the suggestions.

    Sheet 1: title merged across, the meeting's time and place, the ballot counts, one row per presenter
    (counts per option, 满意率 as a percentage, 得分 to two decimals, ballots, codes issued), then the
    formula. Further sheets: per voter category (when there are several), per item (when the form has
    items), and every suggestion — including those on void and set-aside ballots, labelled as such. 宋体, bold bordered headers, frozen header, A4 landscape one page wide."""
    options = survey.form["options"]
    items = survey.form.get("items", [])
    wb = spreadsheets.new_workbook()
    ws = spreadsheets.add_sheet(wb, "测评结果统计表")
    _results_sheet(ws, meeting, survey, outcome, options, formula)
    if outcome.presenters and len(outcome.presenters[0].by_category) > 1:
        _categories_sheet(wb.create_sheet("分类别统计"), outcome, options)
    if items:
        _items_sheet(wb.create_sheet("分项评价"), outcome, items)
    _suggestions_sheet(wb.create_sheet("意见建议"), meeting, outcome)
    return spreadsheets.to_bytes(wb)
