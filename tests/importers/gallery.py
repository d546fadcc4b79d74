"""The importer gallery: files laid out the way village books and banks produce them, built in memory.

Each ``Layout`` is one real-world layout with the figures it must import to, to the fen.  The
tests read every one through ``preview_import``, the CLI and the import page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import xlwt

PERIOD = "2026-11"

Grid = list[list]
# (first row, last row, first column, last column), 0-based and inclusive, as xlwt numbers them.
Merge = tuple[int, int, int, int]


@dataclass
class Sheet:
    name: str
    grid: Grid
    merges: list[Merge] = field(default_factory=list)


@dataclass
class Layout:
    name: str
    description: str  # one line for the closing note
    kind: str
    fmt: str  # xlsx | xls | csv-utf8 | csv-gbk
    sheets: list[Sheet]
    totals: dict  # expected preview totals (a subset)
    account: str | None = None  # expected preview.account ("whole month" is None)
    balances: dict = field(default_factory=dict)
    first_row: dict = field(default_factory=dict)  # fields of the first imported row
    layout_words: str = ""  # a word the recognised layout must contain

    @property
    def filename(self) -> str:
        ext = {"xlsx": "xlsx", "xls": "xls", "csv-utf8": "csv", "csv-gbk": "csv"}[self.fmt]
        return f"{self.name}.{ext}"

    def data(self) -> bytes:
        return build(self.fmt, self.sheets)


def build(fmt: str, sheets: list[Sheet]) -> bytes:
    if fmt == "xlsx":
        return _xlsx(sheets)
    if fmt == "xls":
        return _xls(sheets)
    [sheet] = sheets
    return _csv(sheet.grid, "gbk" if fmt == "csv-gbk" else "utf-8-sig")


def _xlsx(sheets: list[Sheet]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        for row in sheet.grid:
            ws.append(row)
        for r1, r2, c1, c2 in sheet.merges:
            ws.merge_cells(start_row=r1 + 1, end_row=r2 + 1, start_column=c1 + 1, end_column=c2 + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls(sheets: list[Sheet]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for sheet in sheets:
        ws = book.add_sheet(sheet.name)
        merged = {(r1, c1): (r2, c2) for r1, r2, c1, c2 in sheet.merges}
        covered = {(r, c) for r1, r2, c1, c2 in sheet.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, row in enumerate(sheet.grid):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r2, c2 = merged[(r, c)]
                    ws.write_merge(r, r2, c, c2, value)
                elif (r, c) in covered or value is None:
                    continue
                elif isinstance(value, (date, datetime)):
                    ws.write(r, c, value, date_style)
                else:
                    ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(grid: Grid, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in grid:
        writer.writerow(["" if c is None else (c.isoformat() if isinstance(c, date) else c) for c in row])
    return out.getvalue().encode(encoding)


# 1. 三栏式现金日记账: "2026年" merged over 月 and 日, 凭证/号数, a 过次页/承前页 pair, 本月合计, 本年累计.
def _three_column_grid(title: str) -> tuple[Grid, list[Merge]]:
    grid = [
        [title, None, None, None, None, None, None, None],
        ["2026年", None, "凭证", "摘要", "对方科目", "借方", "贷方", "余额"],
        ["月", "日", "号数", None, None, None, None, None],
        [11, 1, None, "上月结转", None, None, None, 1800.00],
        [11, 3, "现-1", "收取复印费", "其他收入", 35.50, None, 1835.50],
        [11, 6, "现-2", "购买办公用品", "管理费用", None, 268.00, 1567.50],
        [None, None, None, "过次页", None, 35.50, 268.00, 1567.50],
        [None, None, None, "承前页", None, 35.50, 268.00, 1567.50],
        [11, 12, "现-3", "收到村民小组上交款", "发包及上交收入", 1200.00, None, 2767.50],
        [11, 28, "现-4", "支付慰问品款", "其他支出", None, 560.25, 2207.25],
        [None, None, None, "本月合计", None, 1235.50, 828.25, 2207.25],
        [None, None, None, "本年累计", None, 15000.00, 13000.00, 2207.25],
    ]
    merges = [(0, 0, 0, 7), (1, 1, 0, 1), (1, 2, 3, 3), (1, 2, 4, 4), (1, 2, 5, 5), (1, 2, 6, 6), (1, 2, 7, 7)]
    return grid, merges


def _three_column(name: str, fmt: str, title: str, account: str) -> Layout:
    grid, merges = _three_column_grid(title)
    return Layout(
        name,
        f"三栏式{title[3:]}（{fmt}）：年份合并在“月”“日”之上，两行表头，过次页/承前页，本月合计、本年累计",
        "ledger",
        fmt,
        [Sheet("日记账", grid, merges)],
        totals={
            "count": 4,
            "income_fen": 123_550,
            "expense_fen": 82_825,
            "opening_fen": 180_000,
            "closing_fen": 220_725,
        },
        account=account,
        balances={account: {"opening_fen": 180_000, "closing_fen": 220_725}},
        first_row={
            "entry_date": date(2026, 11, 3),
            "voucher_no": "现-1",
            "amount_fen": 3_550,
            "direction": "in",
            "category": "其他收入",
        },
        layout_words="日记账",
    )


def _bank_gbk_signed() -> Layout:
    grid = [
        ["中国农业银行账户交易明细"],
        ["账号：", "6228480000000000017"],
        ["户名：", "幸福村股份经济合作社"],
        ["起止日期：", "20261101-20261130"],
        [],
        ["交易日期", "交易时间", "交易金额", "账户余额", "对方户名", "对方账号", "摘要", "交易渠道"],
        ["20261103", "10:21:05", "12000.00", "62000.00", "青禾镇财政所", "3201000000001", "转移支付", "网银"],
        ["20261108", "09:00:00", "-1500.50", "60499.50", "江淮电力公司", "3201000000002", "代扣电费", "批量"],
        ["20261120", "15:30:12", "-8000.00", "52499.50", "幸福村股份经济合作社", "", "取现", "柜面"],
        ["20261130", "23:59:59", "3.21", "52502.71", "", "", "结息", "系统"],
    ]
    return Layout(
        "bank_signed_gbk",
        "银行交易明细 GBK CSV：账户信息行在表头之上，20261103 日期，一列带正负号的交易金额，"
        "账户余额，无上月结转（月初余额由余额倒推）",
        "ledger",
        "csv-gbk",
        [Sheet("明细", grid)],
        totals={
            "count": 4,
            "income_fen": 1_200_321,
            "expense_fen": 950_050,
            "opening_fen": 5_000_000,
            "closing_fen": 5_250_271,
        },
        account="bank",
        first_row={
            "entry_date": date(2026, 11, 3),
            "counterparty": "青禾镇财政所",
            "direction": "in",
            "amount_fen": 1_200_000,
        },
        layout_words="银行",
    )


def _bank_flag_xlsx() -> Layout:
    grid = [
        ["账户名称", "幸福村股份经济合作社", "账号", "3201001234567890"],
        ["交易日期", "借贷标志", "交易金额", "账户余额", "对方户名", "摘要"],
        ["2026/11/2", "贷", 30000, 130000, "青禾镇人民政府", "村级运转经费"],
        ["2026/11/9", "借", 4500.5, 125499.5, "江淮建材商店", "购买水泥"],
        ["2026/11/9", "借", 1000, 124499.5, "李秀兰", "报销差旅费"],
        ["2026/11/21", "贷", 860.25, 125359.75, "幸福村农贸市场", "摊位费"],
    ]
    return Layout(
        "bank_flag_xlsx",
        "银行流水 xlsx：借贷标志列（银行记法：贷=收入，借=支出）+ 正数交易金额，2026/11/2 日期",
        "ledger",
        "xlsx",
        [Sheet("Sheet1", grid)],
        totals={
            "count": 4,
            "income_fen": 3_086_025,
            "expense_fen": 550_050,
            "opening_fen": 10_000_000,
            "closing_fen": 12_535_975,
        },
        account="bank",
        first_row={"direction": "in", "amount_fen": 3_000_000},
        layout_words="银行",
    )


def _bank_in_out_utf8() -> Layout:
    grid = [
        ["江苏农村商业银行 对账单"],
        ["记账日期", "摘要", "收入金额", "支出金额", "余额", "对方户名"],
        ["2026年11月4日", "发包款", "8,000.00", "", "18,000.00", "张家养殖场"],
        ["2026年11月15日", "工资", "", "6,300.00", "11,700.00", "村干部工资户"],
        ["2026年11月30日", "利息", "1.05", "", "11,701.05", ""],
    ]
    return Layout(
        "bank_in_out_utf8",
        "银行对账单 UTF-8 CSV：收入金额 / 支出金额两列，2026年11月4日 日期，余额列",
        "ledger",
        "csv-utf8",
        [Sheet("对账单", grid)],
        totals={
            "count": 3,
            "income_fen": 800_105,
            "expense_fen": 630_000,
            "opening_fen": 1_000_000,
            "closing_fen": 1_170_105,
        },
        account="bank",
        first_row={"counterparty": "张家养殖场", "direction": "in"},
        layout_words="银行",
    )


def _bank_debit_credit_newest_first() -> Layout:
    grid = [
        ["账户交易明细查询"],
        ["交易时间", "借方发生额", "贷方发生额", "账户余额", "对方户名", "用途"],
        ["2026-11-27 16:02:11", "", "2,000.00", "9,150.00", "青禾镇农经站", "奖补资金"],
        ["2026-11-18 10:21:05", "850.00", "", "7,150.00", "江淮电力", "电费"],
        ["2026-11-02 08:00:00", "2,000.00", "", "8,000.00", "幸福村", "转现金"],
    ]
    return Layout(
        "bank_debit_credit_desc",
        "银行流水 UTF-8 CSV：借方发生额/贷方发生额（银行记法），“2026-11-27 16:02:11”带时间的日期，按从新到旧排列",
        "ledger",
        "csv-utf8",
        [Sheet("明细", grid)],
        totals={
            "count": 3,
            "income_fen": 200_000,
            "expense_fen": 285_000,
            "opening_fen": 1_000_000,
            "closing_fen": 915_000,
        },
        account="bank",
        first_row={"entry_date": date(2026, 11, 2), "direction": "out", "amount_fen": 200_000},
        layout_words="银行",
    )


def _bank_several_months_xls() -> Layout:
    grid = [
        ["幸福村 银行账户明细"],
        ["交易日期", "转入", "转出", "交易后余额", "交易摘要", "对方户名"],
        [datetime(2026, 10, 28), 500.0, None, 20500.0, "租金", "王家"],
        [datetime(2026, 10, 30), None, 300.0, 20200.0, "电费", "供电公司"],
        [datetime(2026, 11, 5), 1000.0, None, 21200.0, "租金", "李家"],
        [datetime(2026, 11, 19), None, 450.75, 20749.25, "水费", "自来水公司"],
        [datetime(2026, 12, 1), 99.0, None, 20848.25, "租金", "赵家"],
    ]
    return Layout(
        "bank_several_months_xls",
        "银行流水 xls：转入/转出两列，跨 10–12 月三个月，只取本月，月初余额取月初的余额",
        "ledger",
        "xls",
        [Sheet("明细", grid)],
        totals={
            "count": 2,
            "income_fen": 100_000,
            "expense_fen": 45_075,
            "opening_fen": 2_020_000,
            "closing_fen": 2_074_925,
        },
        account="bank",
        first_row={"entry_date": date(2026, 11, 5), "counterparty": "李家"},
        layout_words="银行",
    )


def _voucher_grid() -> Grid:
    return [
        ["序时账"],
        ["日期", "凭证号", "摘要", "科目编码", "科目名称", "借方", "贷方"],
        ["2026-11-03", "记-1", "收到发包款", "10201", "银行存款—农业银行", 50000, None],
        ["2026-11-03", "记-1", "收到发包款", "402", "发包及上交收入", None, 50000],
        ["2026-11-08", "记-2", "支付办公费", "54101", "管理费用—办公费", 320.8, None],
        ["2026-11-08", "记-2", "支付办公费", "101", "库存现金", None, 320.8],
        ["2026-11-10", "记-3", "提取备用金", "101", "库存现金", 2000, None],
        ["2026-11-10", "记-3", "提取备用金", "10201", "银行存款—农业银行", None, 2000],
        ["2026-11-20", "记-4", "计提干部报酬", "541", "管理费用", 9600, None],
        ["2026-11-20", "记-4", "计提干部报酬", "251", "应付工资", None, 9600],
        ["2026-11-25", "记-5", "发放干部报酬", "251", "应付工资", 9600, None],
        ["2026-11-25", "记-5", "发放干部报酬", "10201", "银行存款—农业银行", None, 9600],
        [None, None, "合计", None, None, 71520.8, 71520.8],
    ]


def _voucher_list() -> Layout:
    return Layout(
        "voucher_list_xlsx",
        "序时账/凭证列表 xlsx（科目编码、科目名称、借方、贷方，一张凭证多行）："
        "取 101/102 及明细科目，对方科目为类别，提现记为内部转账",
        "ledger",
        "xlsx",
        [Sheet("序时账", _voucher_grid())],
        totals={"count": 5, "income_fen": 5_200_000, "expense_fen": 1_192_080},
        account=None,
        first_row={
            "entry_date": date(2026, 11, 3),
            "category": "发包及上交收入",
            "account": "bank",
            "direction": "in",
            "amount_fen": 5_000_000,
        },
        layout_words="序时账",
    )


def _voucher_names_gbk() -> Layout:
    grid = [
        ["凭证日期", "凭证字号", "摘要", "会计科目", "借方金额", "贷方金额"],
        ["2026-11-06", "记11-1", "收到上级补助", "银行存款/农商行", "20,000.00", ""],
        ["2026-11-06", "记11-1", "收到上级补助", "补助收入", "", "20,000.00"],
        ["2026-11-16", "记11-2", "存入现金", "银行存款/农商行", "500.00", ""],
        ["2026-11-16", "记11-2", "存入现金", "库存现金", "", "500.00"],
        ["2026-11-26", "记11-3", "付道路维修款", "公益支出/道路", "7,777.77", ""],
        ["2026-11-26", "记11-3", "付道路维修款", "银行存款/农商行", "", "7,777.77"],
    ]
    return Layout(
        "voucher_names_gbk",
        "凭证列表 GBK CSV，没有科目编码列：按科目名称“银行存款/农商行”“库存现金”取行",
        "ledger",
        "csv-gbk",
        [Sheet("凭证", grid)],
        totals={"count": 4, "income_fen": 2_050_000, "expense_fen": 827_777},
        account=None,
        first_row={"category": "补助收入", "account": "bank"},
        layout_words="序时账",
    )


def _two_sheets() -> Layout:
    cash = [
        ["幸福村2026年11月现金日记账"],
        ["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"],
        [date(2026, 11, 1), None, "上月结转", None, None, None, 300],
        [date(2026, 11, 10), "现-1", "提取备用金", "内部转账", 2000, None, 2300],
        [date(2026, 11, 12), "现-2", "购买茶叶", "管理费用", None, 150.4, 2149.6],
    ]
    bank = [
        ["幸福村2026年11月银行存款日记账"],
        ["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"],
        [date(2026, 11, 1), None, "上月结转", None, None, None, 90000],
        [date(2026, 11, 3), "银-1", "收到租金", "经营收入", 12000, None, 102000],
        [date(2026, 11, 10), "现-1", "提取备用金", "内部转账", None, 2000, 100000],
    ]
    notes = [["填表说明"], ["本表由报账员填写"]]
    return Layout(
        "two_sheets_xlsx",
        "一个工作簿里的现金日记账和银行日记账两个工作表（另有说明页被跳过），一次导入",
        "ledger",
        "xlsx",
        [Sheet("现金日记账", cash), Sheet("银行日记账", bank), Sheet("说明", notes)],
        totals={"count": 4, "income_fen": 1_400_000, "expense_fen": 215_040},
        account=None,
        balances={
            "cash": {"opening_fen": 30_000, "closing_fen": 214_960},
            "bank": {"opening_fen": 9_000_000, "closing_fen": 10_000_000},
        },
        first_row={"account": "cash", "category": "内部转账"},
        layout_words="日记账",
    )


def _year_month_day_columns() -> Layout:
    grid = [
        ["年", "月", "日", "摘要", "收入", "支出", "结余"],
        [2026, 11, 1, "上月结余", "", "", "5,000.00"],
        [2026, 11, 9, "卖旧桌椅", "120.00", "", "5,120.00"],
        [2026, 11, 19, "买扫帚", "", "36.50", "5,083.50"],
    ]
    return Layout(
        "ymd_columns_utf8",
        "UTF-8 CSV：年、月、日三列，收入/支出/结余，上月结余行",
        "ledger",
        "csv-utf8",
        [Sheet("现金", grid)],
        totals={"count": 2, "income_fen": 12_000, "expense_fen": 3_650, "opening_fen": 500_000, "closing_fen": 508_350},
        account="bank",
        first_row={"entry_date": date(2026, 11, 9)},
        layout_words="收支明细",
    )


def _month_day_title_year_xls() -> Layout:
    grid = [
        ["幸福村2026年度现金收支明细账"],
        ["月", "日", "凭证号", "摘要", "收支", "金额", "经手人"],
        [11, 2, "1", "收卫生费", "收入", 460.0, "王芳"],
        [11, 14, "2", "付印刷费", "支出", 88.8, "王芳"],
        [11, 30, "3", "付电话费", "支出", 100.0, "张强"],
        [None, None, None, "本月合计", None, None, None],
    ]
    return Layout(
        "month_day_title_year_xls",
        "xls：只有“月”“日”两列，年份取自标题“2026年度”，收支列 + 一列金额",
        "ledger",
        "xls",
        [Sheet("2026", grid)],
        totals={"count": 3, "income_fen": 46_000, "expense_fen": 18_880},
        account="cash",
        first_row={"entry_date": date(2026, 11, 2), "handler": "王芳"},
        layout_words="一列金额",
    )


def _assets() -> Layout:
    grid = [
        ["幸福村固定资产登记簿"],
        ["资产名称", "资产类别", "购建时间", "数量", "账面原值（元）", "坐落", "使用状况"],
        ["村部办公楼", "房屋建筑物", "2012-06", 1, "1,250,000.00", "村部", "在用"],
        ["灌溉泵站", "水利设施", "2015年", 1, "386,400.50", "三组", "在用"],
        ["电脑", "办公设备", "2019年3月", 4, "15,996.00", "村部", "在用"],
        ["打印机", "办公设备", date(2021, 7, 15), 1, "1,899.00", "村部", "在用"],
        ["合计", None, None, None, "1,654,295.50", None, None],
    ]
    return Layout(
        "assets_xlsx",
        "固定资产登记簿 xlsx：购建时间“2012-06”“2015年”“2019年3月”（年、年月精度），账面原值、坐落",
        "assets",
        "xlsx",
        [Sheet("固定资产", grid)],
        totals={"count": 4, "original_value_fen": 165_429_550},
        first_row={
            "name": "村部办公楼",
            "acquired_on": date(2012, 6, 1),
            "acquired_precision": "month",
            "location": "村部",
            "original_value_fen": 125_000_000,
        },
    )


def _debts() -> Layout:
    grid = [
        ["债权债务明细表（2026年11月）"],
        ["欠款单位", "应收金额", "应付金额", "还款日期", "形成原因"],
        ["江淮建材商店", "", "3,200.00", "2026-12-31", "工程尾款"],
        ["张家养殖场", "18,000.00", "", "2027-06-30", "承包费未交"],
    ]
    return Layout(
        "debts_gbk",
        "债权债务 GBK CSV：欠款单位，应收金额/应付金额两列，形成原因",
        "debts",
        "csv-gbk",
        [Sheet("债务", grid)],
        totals={"count": 2, "receivable_fen": 1_800_000, "payable_fen": 320_000},
        first_row={"counterparty": "江淮建材商店", "kind": "payable", "note": "工程尾款"},
    )


def _resources() -> Layout:
    grid = [
        ["资源类别", "资源名称", "面积（亩）", "承包方", "起始日期", "终止日期", "年承包费"],
        ["耕地", "东洼地块", "120", "王家农场", datetime(2024, 1, 1), datetime(2028, 12, 31), 72000.0],
        ["水面", "南塘", "35.5", "李某", datetime(2025, 3, 1), datetime(2030, 2, 28), 10650.0],
    ]
    return Layout(
        "resources_xls",
        "资源发包 xls：资源类别、面积（亩）、承包方、起始/终止日期、年承包费",
        "resources",
        "xls",
        [Sheet("资源", grid)],
        totals={"count": 2, "annual_fee_fen": 8_265_000},
        first_row={
            "kind": "耕地",
            "holder": "王家农场",
            "annual_fee_fen": 7_200_000,
            "contract_end": date(2028, 12, 31),
        },
    )


def _beneficiaries() -> Layout:
    grid = [
        ["幸福村2026年11月低保金发放名单"],
        ["序号", "户主姓名", "身份证号码", "联系电话", "组别", "发放金额"],
        [1, "张桂英", "321281195003031222", "13812345678", "一组", 620],
        [2, "李长顺", "321281194807071233", "", "三组", 585.5],
        ["合计", None, None, None, None, 1205.5],
    ]
    return Layout(
        "beneficiaries_xlsx",
        "低保名单 xlsx：标题行即村务事项标题，户主姓名、身份证号码、组别、发放金额，合计行",
        "beneficiaries",
        "xlsx",
        [Sheet("名单", grid)],
        totals={"count": 2, "amount_fen": 120_550},
        first_row={"name": "张桂英", "group_name": "一组", "amount_fen": 62_000},
    )


def _services() -> Layout:
    grid = [
        ["服务事项", "申请材料", "办理窗口", "承诺时限", "咨询电话"],
        ["城乡居民医保参保", "身份证、户口本", "便民服务中心1号窗口", "即办", "0523-12345678"],
        ["农村低保申请", "申请书、收入证明", "民政窗口", "30个工作日", "0523-12345679"],
    ]
    return Layout(
        "services_utf8",
        "便民服务事项 UTF-8 CSV：服务事项、申请材料、办理窗口、承诺时限、咨询电话",
        "services",
        "csv-utf8",
        [Sheet("服务", grid)],
        totals={"count": 2},
        first_row={"name": "城乡居民医保参保", "location": "便民服务中心1号窗口"},
    )


def for_history(layout: Layout, earlier: dict) -> Layout:
    """The layout with its 本年累计 row saying what ``earlier`` (``earlier_months``) and this month add up to.

    A village with earlier months in the system gets its 本年累计 row checked against them.
    """
    sheets = []
    for sheet in layout.sheets:
        grid = [list(row) for row in sheet.grid]
        for row in grid:
            if "本年累计" in row:
                before = [
                    figures
                    for month in earlier.values()
                    for account, figures in month.items()
                    if account == layout.account
                ]
                for index, name in ((5, "income_fen"), (6, "expense_fen")):
                    row[index] = (sum(f.get(name, 0) for f in before) + layout.totals[name]) / 100
        sheets.append(Sheet(sheet.name, grid, sheet.merges))
    return Layout(**{**layout.__dict__, "sheets": sheets})


LAYOUTS: list[Layout] = [
    _three_column("three_column_cash_xlsx", "xlsx", "幸福村现金日记账", "cash"),
    _three_column("three_column_bank_xls", "xls", "幸福村银行存款日记账", "bank"),
    _bank_gbk_signed(),
    _bank_flag_xlsx(),
    _bank_in_out_utf8(),
    _bank_debit_credit_newest_first(),
    _bank_several_months_xls(),
    _voucher_list(),
    _voucher_names_gbk(),
    _two_sheets(),
    _year_month_day_columns(),
    _month_day_title_year_xls(),
    _assets(),
    _debts(),
    _resources(),
    _beneficiaries(),
    _services(),
]
