"""The disclosure catalogue (三项清单): what, basis, who, to whom, how, when, per township.

Each item sits on one list (主动公开 / 依申请公开 / 不予公开 with its reason) and carries
the five elements.  ``source`` says what in a published month shows the item was
disclosed, so compliance can be judged by machine; items without one are checked by hand.
A township without its own catalogue uses the default one below (disclosure-rules.md §§1–2).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, delete, select

from board import audit
from board.entry import AFFAIR_CATEGORIES, PARTY_CATEGORIES
from board.errors import BoardError, Problem
from board.privacy import text_problems
from board.spreadsheet import neutralise
from board.untrusted import check_sheet_area, check_zip, run_limited
from models import CatalogueItem, Role, Township, User, row_id

LISTS = ("主动公开", "依申请公开", "不予公开")
STREAMS = ("财务", "村务", "党务")
CHANNELS = ("公开栏", "电子屏", "网站", "微信群", "会议")
TIMINGS = ("monthly", "quarterly", "event", "at_once", "")
AT_ONCE_WORKDAYS = 1  # 即时/随时: judged as "by the next working day"

SOURCE_LABELS = {
    "finance": "收支明细",
    "assets": "资产",
    "resources": "资源",
    "debts": "债权债务",
    "major_payment": "5万元以上支出",
    **{f"party:{c}": f"党务：{c}" for c in PARTY_CATEGORIES},
    **{f"affair:{c}": f"村务：{c}" for c in AFFAIR_CATEGORIES},
}
_SOURCE_BY_LABEL = {label: key for key, label in SOURCE_LABELS.items()}

COLUMNS = (
    "清单",
    "类别",
    "事项名称",
    "公开内容",
    "依据",
    "谁来公开",
    "向谁公开",
    "怎么公开",
    "何时公开",
    "核对依据",
    "不予公开理由",
)

_FINANCE_RULE = "《农村集体经济组织财务公开规定》"
_ORG_LAW = "《村民委员会组织法》"
_PARTY_RULE = "《中国共产党党务公开条例（试行）》"
_VILLAGERS = "本村村民、集体经济组织成员"
_MEMBERS = "本村党员和群众"
_BOARD = ("公开栏", "微信群")


@dataclass(frozen=True)
class Item:
    list_kind: str
    stream: str
    name: str
    content: str
    basis: str
    responsible: str
    audience: str
    channels: tuple[str, ...]
    timing: str
    timing_n: int
    source: str = ""
    withhold_reason: str = ""


def _fin(name: str, content: str, timing: str, n: int, source: str = "") -> Item:
    return Item(
        "主动公开",
        "财务",
        name,
        content,
        _FINANCE_RULE,
        "村报账员（民主理财小组审核、镇经管站审查）",
        _VILLAGERS,
        _BOARD,
        timing,
        n,
        source,
    )


DEFAULT_CATALOGUE: tuple[Item, ...] = (
    _fin("财务计划", "年度财务收支计划及执行情况", "quarterly", 15),
    _fin("各项收入", "逐项逐笔公开各项收入", "monthly", 10, "finance"),
    _fin("各项支出", "逐项逐笔公开各项支出", "monthly", 10, "finance"),
    _fin("各项资产", "固定资产、在建工程、对外投资等", "quarterly", 15, "assets"),
    _fin(
        "各类资源", "耕地、林地、草地、园地、滩涂、水面、四荒地、集体建设用地及其发包租赁", "quarterly", 15, "resources"
    ),
    _fin("债权债务", "应收款、应付款、借款", "quarterly", 15, "debts"),
    _fin("收益分配", "年度收益分配方案及实施", "quarterly", 15),
    _fin("其他财务事项", "民主理财小组或多数成员要求公开的其他事项", "quarterly", 15),
    Item(
        "主动公开",
        "财务",
        "5万元以上重大支出",
        "投入5万元以上重大事项的决策过程和支付（四议两公开、专项公开）",
        _FINANCE_RULE + "；" + _ORG_LAW + "第三十条",
        "村委会",
        _VILLAGERS,
        ("公开栏", "微信群", "会议"),
        "event",
        5,
        "major_payment",
    ),
    Item(
        "主动公开",
        "村务",
        "村民(代表)会议决定及执行",
        "村民会议、村民代表会议讨论决定的事项及其实施情况",
        _ORG_LAW + "第三十条",
        "村委会（村务监督委员会监督）",
        _VILLAGERS,
        _BOARD,
        "event",
        5,
        "affair:村民(代表)会议决定及执行",
    ),
    Item(
        "主动公开",
        "村务",
        "低保·救助·补贴发放",
        "低保对象、标准和发放，救灾救助、补贴补助资金物资的使用",
        _ORG_LAW + "第三十条；社会救助相关规定",
        "村委会",
        _VILLAGERS,
        _BOARD,
        "monthly",
        10,
        "affair:低保·救助·补贴发放",
    ),
    Item(
        "主动公开",
        "村务",
        "宅基地审批",
        "宅基地申请、审批结果",
        "乡镇公开目录（每季首月20日前）",
        "村委会",
        _VILLAGERS,
        _BOARD,
        "quarterly",
        20,
        "affair:宅基地审批",
    ),
    Item(
        "主动公开",
        "村务",
        "工程项目",
        "立项、招投标、预决算、施工、验收",
        "中办发〔2004〕17号",
        "村委会",
        _VILLAGERS,
        _BOARD,
        "event",
        5,
        "affair:工程项目",
    ),
    Item(
        "主动公开",
        "村务",
        "一事一议",
        "一事一议筹资筹劳方案及使用",
        "中办发〔2004〕17号",
        "村委会",
        _VILLAGERS,
        _BOARD,
        "event",
        5,
        "affair:一事一议",
    ),
    Item(
        "主动公开",
        "村务",
        "离任经济责任审计结果",
        "村委会成员任期和离任经济责任审计结果（下届选举前公布）",
        _ORG_LAW + "第三十五条",
        "乡镇、村务监督委员会",
        _VILLAGERS,
        ("公开栏", "会议"),
        "at_once",
        0,
    ),
    Item(
        "主动公开",
        "党务",
        "三会一课",
        "党员大会、支委会、党小组会和党课情况",
        _PARTY_RULE,
        "村党组织",
        _MEMBERS,
        ("公开栏", "会议"),
        "quarterly",
        15,
        "party:三会一课",
    ),
    Item(
        "主动公开",
        "党务",
        "党费收缴使用",
        "党费收缴、使用和管理",
        _PARTY_RULE + "第十二条",
        "村党组织",
        _MEMBERS,
        ("公开栏",),
        "quarterly",
        15,
        "party:党费收缴使用",
    ),
    Item(
        "主动公开",
        "党务",
        "发展党员",
        "发展党员各阶段人选公示",
        _PARTY_RULE + "第十二条",
        "村党组织",
        _MEMBERS,
        ("公开栏", "会议"),
        "event",
        5,
        "party:发展党员",
    ),
    Item(
        "主动公开",
        "党务",
        "民主评议党员",
        "民主评议党员结果",
        _PARTY_RULE,
        "村党组织",
        _MEMBERS,
        ("公开栏", "会议"),
        "event",
        5,
        "party:民主评议党员",
    ),
    Item(
        "依申请公开",
        "财务",
        "记账凭证和合同查阅",
        "收支凭证、合同、协议的原件查阅",
        _FINANCE_RULE,
        "村报账员",
        "提出申请的村民",
        ("会议",),
        "",
        0,
    ),
    Item(
        "依申请公开",
        "村务",
        "村务档案查阅",
        "选举、会议记录、集体资产登记、征地补偿方案等村务档案",
        _ORG_LAW + "第三十四条",
        "村委会",
        "提出申请的村民",
        ("会议",),
        "",
        0,
    ),
    Item(
        "不予公开",
        "村务",
        "个人隐私信息",
        "身份证号、银行账号、病情、残疾等个人信息",
        "《政府信息公开条例》第十五条；《个人信息保护法》第二十八条",
        "村委会",
        "—",
        (),
        "",
        0,
        "",
        "涉及个人隐私，公开会损害第三方合法权益；名单只公开姓名、组别和金额",
    ),
    Item(
        "不予公开",
        "村务",
        "国家秘密和商业秘密",
        "依法确定为国家秘密的信息、第三方商业秘密",
        "《政府信息公开条例》第十四条、第十五条",
        "村委会",
        "—",
        (),
        "",
        0,
        "",
        "法律、行政法规禁止公开，或第三方不同意公开",
    ),
)


def timing_label(timing: str, n: int) -> str:
    if timing == "monthly":
        return f"次月{n}日前"
    if timing == "quarterly":
        return f"次季首月{n}日前"
    if timing == "event":
        return f"事后{n}个工作日内"
    if timing == "at_once":
        return "即时"
    return ""


def parse_timing(text: str) -> tuple[str, int] | None:
    text = re.sub(r"\s", "", text or "")
    if text in ("", "—", "-"):
        return "", 0
    if text in ("即时", "随时"):
        return "at_once", 0
    for timing, pattern in (
        ("monthly", r"(?:次月|每月)(\d{1,2})日前"),
        ("quarterly", r"(?:次季首月|每季首月)(\d{1,2})日前"),
        ("event", r"事后(\d{1,2})个工作日内"),
    ):
        match = re.fullmatch(pattern, text)
        if match:
            return timing, int(match.group(1))
    return None


def _item_problems(row: int, item: Item) -> list[Problem]:
    problems = []
    if item.list_kind not in LISTS:
        problems.append(Problem(row, "清单", f"应为{'、'.join(LISTS)}之一"))
    if item.stream not in STREAMS:
        problems.append(Problem(row, "类别", f"应为{'、'.join(STREAMS)}之一"))
    if not item.name:
        problems.append(Problem(row, "事项名称", "不能为空"))
    elif len(item.name) > 100:
        problems.append(Problem(row, "事项名称", "不能超过 100 个字"))
    for channel in item.channels:
        if channel not in CHANNELS:
            problems.append(Problem(row, "怎么公开", f"“{channel}”不是可选渠道（{'、'.join(CHANNELS)}）"))
    if item.list_kind == "主动公开":
        if not item.channels:
            problems.append(Problem(row, "怎么公开", "主动公开事项至少要有一个公开渠道"))
        if not item.timing:
            problems.append(Problem(row, "何时公开", "主动公开事项必须写明时限"))
    if item.timing in ("monthly", "quarterly") and not 1 <= item.timing_n <= 31:
        problems.append(Problem(row, "何时公开", "日期应在 1 到 31 之间"))
    if item.timing == "event" and not 1 <= item.timing_n <= 60:
        problems.append(Problem(row, "何时公开", "工作日数应在 1 到 60 之间"))
    if item.list_kind == "不予公开" and not item.withhold_reason:
        problems.append(Problem(row, "不予公开理由", "不予公开事项必须写明理由"))
    for field, value, limit in (
        ("依据", item.basis, 300),
        ("谁来公开", item.responsible, 100),
        ("向谁公开", item.audience, 100),
        ("不予公开理由", item.withhold_reason, 300),
    ):
        if len(value) > limit:
            problems.append(Problem(row, field, f"不能超过 {limit} 个字"))
    # The catalogue is published: its texts are checked for personal data like every public text.
    for field, value in (
        ("事项名称", item.name),
        ("公开内容", item.content),
        ("依据", item.basis),
        ("谁来公开", item.responsible),
        ("向谁公开", item.audience),
        ("不予公开理由", item.withhold_reason),
    ):
        problems += [Problem(row, field, message) for message in text_problems(value)]
    return problems


def _to_row(item: CatalogueItem | Item) -> dict[str, str]:
    channels = item.channels if isinstance(item, Item) else tuple(c for c in item.channels.split("、") if c)
    return {
        "清单": item.list_kind,
        "类别": item.stream,
        "事项名称": item.name,
        "公开内容": item.content,
        "依据": item.basis,
        "谁来公开": item.responsible,
        "向谁公开": item.audience,
        "怎么公开": "、".join(channels),
        "何时公开": timing_label(item.timing, item.timing_n),
        "核对依据": SOURCE_LABELS.get(item.source, ""),
        "不予公开理由": item.withhold_reason,
    }


def catalogue_items(session: Session, township: Township) -> list[CatalogueItem]:
    """The township's catalogue; a township without one gets the default (not stored)."""
    rows = list(
        session.exec(
            select(CatalogueItem)
            .where(CatalogueItem.township_id == township.id)
            .order_by(col(CatalogueItem.sort_order))
        )
    )
    if rows:
        return rows
    return [_model(row_id(township), order, item) for order, item in enumerate(DEFAULT_CATALOGUE)]


def _model(township_id: int, order: int, item: Item) -> CatalogueItem:
    return CatalogueItem(
        township_id=township_id,
        list_kind=item.list_kind,
        stream=item.stream,
        name=item.name,
        content=item.content,
        basis=item.basis,
        responsible=item.responsible,
        audience=item.audience,
        channels="、".join(item.channels),
        timing=item.timing,
        timing_n=item.timing_n,
        source=item.source,
        withhold_reason=item.withhold_reason,
        sort_order=order,
    )


def catalogue_rows(session: Session, township: Township) -> list[dict[str, str]]:
    return [_to_row(item) for item in catalogue_items(session, township)]


def parse_rows(rows: Sequence[Mapping[str, object]]) -> list[Item]:
    """Rows with the Chinese column names → items; every problem at once (row 1 = first data row)."""
    problems: list[Problem] = []
    items: list[Item] = []
    names: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        cell = {k: str(raw.get(k) if raw.get(k) is not None else "").strip() for k in COLUMNS}
        if not any(cell.values()):
            continue
        timing = parse_timing(cell["何时公开"])
        if timing is None:
            problems.append(Problem(n, "何时公开", "应写成“次月10日前”“次季首月15日前”“事后5个工作日内”或“即时”"))
            timing = ("", 0)
        source = _SOURCE_BY_LABEL.get(cell["核对依据"], "") if cell["核对依据"] else ""
        if cell["核对依据"] and not source:
            problems.append(Problem(n, "核对依据", f"“{cell['核对依据']}”不是可选的核对依据"))
        item = Item(
            list_kind=cell["清单"],
            stream=cell["类别"],
            name=cell["事项名称"],
            content=cell["公开内容"],
            basis=cell["依据"],
            responsible=cell["谁来公开"],
            audience=cell["向谁公开"],
            channels=tuple(c for c in re.split(r"[、,，/;；\s]+", cell["怎么公开"]) if c),
            timing=timing[0],
            timing_n=timing[1],
            source=source,
            withhold_reason=cell["不予公开理由"],
        )
        problems += _item_problems(n, item)
        if item.name in names:
            problems.append(Problem(n, "事项名称", f"“{item.name}”重复"))
        names.add(item.name)
        items.append(item)
    if not items and not problems:
        problems.append(Problem(0, "清单", "没有任何事项"))
    if problems:
        raise BoardError(problems)
    return items


def _require_township_staff(user: User, township: Township) -> None:
    if user.role == Role.admin:
        return
    if user.role != Role.township or user.township_id != township.id:
        raise BoardError("只有本乡镇/街道工作人员可以修改公开目录", field="权限")


def replace_catalogue(
    session: Session, *, township: Township, rows: Sequence[Mapping[str, object]], user: User | None
) -> int:
    """Replace the township's catalogue with ``rows`` (all or nothing); returns the item count.

    ``user`` is None for the command line, which runs with the operator's own authority.
    """
    if user is not None:
        _require_township_staff(user, township)
    items = parse_rows(rows)
    before = catalogue_rows(session, township)
    session.exec(delete(CatalogueItem).where(col(CatalogueItem.township_id) == township.id))
    for order, item in enumerate(items):
        session.add(_model(row_id(township), order, item))
    audit.record(
        session,
        username=user.username if user else "命令行",
        action="catalogue_replace",
        entity="catalogueitem",
        before={"count": len(before)},
        after={"count": len(items)},
    )
    return len(items)


def read_workbook(data: bytes) -> list[dict[str, object]]:
    # The same guards as a clerk's import: zip checks here, the parse in a limited child that sends back values.
    check_zip(data, what="目录文件", field="文件")
    rows: list[tuple[object, ...]] = run_limited(_sheet_values, data, what="目录文件", field="文件")
    if not rows:
        raise BoardError("Excel 文件是空的", field="文件")
    header = [str(h or "").strip() for h in rows[0]]
    missing = [c for c in ("清单", "类别", "事项名称", "何时公开") if c not in header]
    if missing:
        raise BoardError(f"第一行缺少列：{'、'.join(missing)}（可先导出一份作为模板）", field="表头")
    return [dict(zip(header, values)) for values in rows[1:]]


def _sheet_values(data: bytes) -> list[tuple[object, ...]]:
    """Runs in the limited child: the first sheet's cell values, after the inflate and area check."""
    check_sheet_area(data, max_rows=5_000, field="文件")
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        raise BoardError("无法读取这个 Excel 文件，请另存为 .xlsx 后再导入", field="文件") from None


def write_workbook(rows: Sequence[Mapping[str, object]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "公开目录"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([neutralise(row[c]) for c in COLUMNS])
    for letter, width in zip("ABCDEFGHIJK", (10, 6, 22, 36, 30, 22, 18, 18, 16, 18, 30)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
