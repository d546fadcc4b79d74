"""A fictional township and community with 24 published months, so a new user sees a living board.

Everything here is made up (names, ID numbers with valid checksums in a non-existent
region 3299xx, phone numbers) and marked as demo data on every public output.
The months are entered and published through the real workflow.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from board.auth import add_user
from board.errors import BoardError
from board.periods import period_bounds, period_of, shift_period
from board.privacy import id_check_digit
from board.public_record import TRANSFER_CATEGORY
from board.records import get_or_create_period
from board.villages import add_village, ensure_township
from board.workflow import amend_period, approve_period, publish_period, submit_period
from models import (
    Account,
    AccountBalance,
    AffairItem,
    AuditLog,
    Beneficiary,
    Debt,
    DebtKind,
    Direction,
    FixedAsset,
    LedgerEntry,
    PartyItem,
    Resource,
    Role,
    ServiceItem,
    User,
    Village,
    row_id,
    utcnow,
)

DEMO_TOWNSHIP = ("DEMO-T", "青禾镇（演示）")
DEMO_VILLAGE = ("DEMO", "青禾镇幸福社区（演示数据）")
DEMO_PASSWORD = "sanwu-demo"
DEMO_USERS = [
    ("admin", "系统管理员", Role.admin),
    ("zhen", "镇经管站 陈敏", Role.township),
    ("wenshu", "文书 李秀兰", Role.clerk),
    ("jiandu", "监委会主任 王建国", Role.supervisor),
    ("wangge", "网格员 赵小燕", Role.grid),
]
MONTHS = 24

SERVICES = [
    ("居住证办理", "身份证原件、租房合同或房产证明、近期照片1张", "社区服务大厅1号窗口", "15个工作日"),
    ("城乡居民医保参保登记", "身份证或户口本", "社区服务大厅2号窗口", "即办"),
    ("城乡居民养老保险参保", "身份证、户口本、银行卡", "社区服务大厅2号窗口", "即办"),
    ("养老保险待遇领取资格认证", "身份证（可手机刷脸认证）", "社区服务大厅2号窗口", "即办"),
    ("高龄津贴申请", "身份证、户口本、银行卡", "社区服务大厅3号窗口", "20个工作日"),
    ("最低生活保障申请", "申请书、身份证、户口本、家庭收入证明、财产申报表", "社区服务大厅3号窗口", "30个工作日"),
    ("临时救助申请", "申请书、身份证、困难情况证明材料", "社区服务大厅3号窗口", "10个工作日"),
    ("残疾人证申领", "身份证、户口本、近期照片3张", "社区服务大厅3号窗口", "30个工作日"),
    ("残疾人两项补贴申请", "身份证、残疾人证、银行卡", "社区服务大厅3号窗口", "20个工作日"),
    ("生育登记服务", "夫妻双方身份证、结婚证", "社区服务大厅4号窗口", "即办"),
    ("独生子女父母奖励", "身份证、户口本、独生子女证", "社区服务大厅4号窗口", "15个工作日"),
    ("计划生育特别扶助", "身份证、户口本、相关证明", "社区服务大厅4号窗口", "30个工作日"),
    ("就业登记与失业登记", "身份证、劳动合同或解除证明", "社区服务大厅5号窗口", "即办"),
    ("就业困难人员认定", "身份证、户口本、失业登记证明", "社区服务大厅5号窗口", "15个工作日"),
    ("灵活就业社保补贴", "身份证、就业登记证明、缴费凭证", "社区服务大厅5号窗口", "20个工作日"),
    ("退役军人优待证申领", "身份证、退伍证、近期照片", "退役军人服务站", "30个工作日"),
    ("老年人优待证办理", "身份证、近期照片1张", "社区服务大厅1号窗口", "即办"),
    ("居家养老服务申请", "身份证、户口本、评估表", "社区养老服务站", "15个工作日"),
    ("宅基地申请初审", "申请书、户口本、身份证、村民小组意见", "村委会办公室", "20个工作日"),
    ("农村建房开工查验", "宅基地批准书、建房图纸", "村委会办公室", "5个工作日"),
    ("土地承包经营权流转备案", "流转合同、双方身份证", "村委会办公室", "5个工作日"),
    ("种粮补贴信息核实", "身份证、一卡通存折", "村委会办公室", "即办"),
    ("出具居住证明", "身份证、户口本", "社区服务大厅1号窗口", "即办"),
    ("出具亲属关系证明", "双方身份证、户口本", "社区服务大厅1号窗口", "即办"),
    ("困难群众医疗救助申请", "身份证、住院发票、出院小结", "社区服务大厅3号窗口", "20个工作日"),
    ("学生资助证明", "身份证、户口本、学生证", "社区服务大厅3号窗口", "3个工作日"),
    ("法律援助申请转办", "身份证、案件材料", "社区法律服务室", "7个工作日"),
    ("人民调解申请", "身份证、纠纷情况说明", "社区调解室", "即办"),
    ("流动人口登记", "身份证、租房合同", "社区警务室", "即办"),
    ("犬只登记", "身份证、犬只免疫证明", "社区服务大厅1号窗口", "5个工作日"),
    ("垃圾分类设施报修", "报修位置描述", "物业与环卫联络点", "3个工作日"),
    ("党组织关系转接", "党员本人介绍信或网上转接申请", "党群服务中心", "5个工作日"),
]

BASE_ASSETS = [
    ("社区办公楼", "房屋及建筑物", date(2012, 6, 1), 1, 186_000_000, "幸福路18号"),
    ("党群服务中心", "房屋及建筑物", date(2019, 9, 1), 1, 98_000_000, "幸福路18号"),
    ("农贸市场门面房（12间）", "房屋及建筑物", date(2015, 3, 1), 12, 144_000_000, "青禾街3号"),
    ("太阳能路灯", "公益设施", date(2021, 5, 1), 180, 54_000_000, "社区主干道"),
    ("健身器材", "公益设施", date(2020, 7, 1), 36, 7_200_000, "文化广场"),
    ("电动垃圾清运车", "机器设备", date(2022, 4, 1), 3, 8_400_000, "环卫站"),
    ("视频监控系统", "机器设备", date(2023, 1, 1), 1, 16_800_000, "社区各路口"),
    ("办公电脑", "办公设备", date(2022, 8, 1), 12, 6_000_000, "办公楼"),
    ("会议室音响投影", "办公设备", date(2021, 11, 1), 1, 2_600_000, "党群服务中心"),
    ("小型水泵站", "水利设施", date(2016, 5, 1), 2, 35_000_000, "南圩排涝站"),
]

NAMES = [
    "张桂兰",
    "王德福",
    "李凤英",
    "刘长海",
    "陈玉珍",
    "杨宝山",
    "赵秀梅",
    "黄国庆",
    "周淑芬",
    "吴建平",
    "徐春花",
    "孙志刚",
    "马翠兰",
    "朱永福",
    "胡秀英",
    "郭长青",
]
PARTY_MEMBERS = 46


def _id_number(rng: random.Random) -> str:
    """A fictional 18-digit ID with a valid checksum (region 3299xx does not exist)."""
    body = (
        f"3299{rng.randint(1, 99):02d}{rng.randint(1940, 1975)}"
        f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return body + id_check_digit(body)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def default_end_period(today: date | None = None) -> str:
    return shift_period(period_of(today or date.today()), -1)


class _DemoBuilder:
    def __init__(self, session: Session, village: Village, rng: random.Random):
        self.session = session
        self.village = village
        self.rng = rng
        self.balance = {Account.cash: 860_000, Account.bank: 126_500_000}
        self.assets: list[tuple[str, str, date, int, int, str]] = list(BASE_ASSETS)
        self.people = [(n, _id_number(rng), _phone(rng), f"第{rng.randint(1, 6)}组") for n in NAMES]
        self.project_paid = 0

    def ledger_lines(self, period: str, index: int) -> list[tuple]:
        """(day, summary, category, direction, amount_fen, counterparty, handler, account)."""
        rng = self.rng
        month = int(period[5:])
        first, last = period_bounds(period)
        day = lambda: rng.randint(1, last.day)  # noqa: E731
        lines = [
            (5, f"{month}月门面房租金", "经营收入", "in", 12 * 150_000, "农贸市场商户", "李秀兰", "bank"),
            (15, f"{month}月社区干部基本报酬", "管理费用", "out", 6 * 320_000, "社区干部6人", "李秀兰", "bank"),
            (10, f"{month}月保洁员工资", "公益支出", "out", 4 * 240_000, "保洁员4人", "李秀兰", "bank"),
            (20, f"{month}月办公用电", "管理费用", "out", rng.randint(60_000, 140_000), "供电公司", "李秀兰", "bank"),
            (
                20,
                f"{month}月路灯及广场电费",
                "公益支出",
                "out",
                rng.randint(90_000, 210_000),
                "供电公司",
                "李秀兰",
                "bank",
            ),
            (25, "银行存款利息", "其他收入", "in", rng.randint(8_000, 30_000), "农商银行", "李秀兰", "bank"),
        ]
        if month in (1, 4, 7, 10):
            lines.append(
                (12, "上级拨付村级组织运转经费", "补助收入", "in", 9_000_000, "青禾镇财政所", "李秀兰", "bank")
            )
        if month in (3, 9):
            lines.append(
                (18, "耕地地力保护补贴（代收代付）", "补助收入", "in", 4_860_000, "青禾镇财政所", "李秀兰", "bank")
            )
            lines.append((22, "耕地地力保护补贴发放到户", "其他支出", "out", 4_860_000, "承包农户", "李秀兰", "bank"))
        if month == 1:
            lines.append(
                (
                    8,
                    "收取耕地承包费（年度）",
                    "发包及上交收入",
                    "in",
                    38_600_000,
                    "青禾种植专业合作社",
                    "李秀兰",
                    "bank",
                )
            )
            lines.append((9, "收取鱼塘承包费（年度）", "发包及上交收入", "in", 6_800_000, "承包户", "李秀兰", "bank"))
        if month == 6:
            lines.append(
                (28, "村集体入股光伏项目分红", "投资收益", "in", 5_420_000, "青禾新能源公司", "李秀兰", "bank")
            )
        if month == 12:
            lines.append((28, "年终慰问困难群众", "公益支出", "out", 1_600_000, "困难家庭", "李秀兰", "bank"))
        # The drainage project runs in months 6–10 of the demo: ≥5万 payments, 四议两公开.
        if 6 <= index <= 10:
            stage = {
                6: ("预付款", 6_800_000),
                7: ("进度款", 12_000_000),
                8: ("进度款", 9_600_000),
                9: ("进度款", 6_800_000),
                10: ("验收结算款", 3_400_000),
            }[index]
            lines.append(
                (
                    16,
                    f"排涝沟渠清淤工程{stage[0]}",
                    "公益支出",
                    "out",
                    stage[1],
                    "江淮水利工程有限公司",
                    "王建国",
                    "bank",
                )
            )
            self.project_paid += stage[1]
        small = [
            ("购买办公用品", "管理费用", 8_000, 60_000, "文具店"),
            ("打印复印费", "管理费用", 5_000, 30_000, "图文店"),
            ("绿化带修剪养护", "公益支出", 50_000, 300_000, "园林养护队"),
            ("路灯维修", "公益支出", 20_000, 150_000, "电工维修部"),
            ("垃圾分类宣传材料", "公益支出", 10_000, 80_000, "广告公司"),
            ("老年活动室茶水", "公益支出", 5_000, 25_000, "超市"),
            ("网格员通讯补贴", "管理费用", 30_000, 60_000, "网格员"),
            ("防汛物资采购", "公益支出", 40_000, 260_000, "五金店"),
            ("会议误餐补助", "管理费用", 10_000, 40_000, "社区干部"),
            ("门面房维修", "经营支出", 30_000, 280_000, "维修队"),
            ("广场活动场地清洁", "公益支出", 10_000, 50_000, "保洁公司"),
            ("报刊订阅", "管理费用", 20_000, 90_000, "邮政所"),
        ]
        for _ in range(rng.randint(34, 66)):
            summary, category, lo, hi, who = rng.choice(small)
            account = "cash" if hi <= 60_000 and rng.random() < 0.5 else "bank"
            lines.append(
                (
                    day(),
                    summary,
                    category,
                    "out",
                    rng.randint(lo // 100, hi // 100) * 100,
                    who,
                    rng.choice(["李秀兰", "周海军"]),
                    account,
                )
            )
        for _ in range(rng.randint(2, 5)):
            lines.append(
                (day(), "活动场地临时使用费", "其他收入", "in", rng.randint(20, 80) * 1_000, "居民", "李秀兰", "cash")
            )
        lines.sort(key=lambda x: x[0])
        return lines

    def fill_month(self, period: str, index: int) -> None:
        session, rng = self.session, self.rng
        row = get_or_create_period(session, self.village, period)
        pid = row_id(row)
        first, last = period_bounds(period)
        month = int(period[5:])
        lines = self.ledger_lines(period, index)
        # Keep cash in hand positive: top it up from the bank with a withdrawal pair.
        cash_out = sum(x[4] for x in lines if x[7] == "cash" and x[3] == "out")
        cash_in = sum(x[4] for x in lines if x[7] == "cash" and x[3] == "in")
        need = cash_out - cash_in - self.balance[Account.cash] + 300_000
        if need > 0:
            amount = -(-need // 100_000) * 100_000
            lines.insert(0, (1, "从银行提取备用金", TRANSFER_CATEGORY, "in", amount, "农商银行", "李秀兰", "cash"))
            lines.insert(1, (1, "提取备用金", TRANSFER_CATEGORY, "out", amount, "备用金", "李秀兰", "bank"))
        opening = dict(self.balance)
        for n, (d, summary, category, direction, amount, who, handler, account) in enumerate(lines, start=1):
            acc = Account(account)
            self.balance[acc] += amount if direction == "in" else -amount
            session.add(
                LedgerEntry(
                    period_id=pid,
                    line_no=n,
                    entry_date=date(first.year, first.month, min(d, last.day)),
                    voucher_no=f"记{month:02d}-{n:03d}",
                    summary=summary,
                    category=category,
                    direction=Direction(direction),
                    amount_fen=amount,
                    counterparty=who,
                    handler=handler,
                    account=acc,
                )
            )
        for acc in Account:
            session.add(
                AccountBalance(
                    period_id=pid,
                    account=acc,
                    opening_fen=opening[acc],
                    closing_fen=self.balance[acc],
                    statement_fen=self.balance[acc],
                )
            )

        if index == 11:
            self.assets.append(("南圩排涝沟渠（清淤改造）", "水利设施", last, 1, self.project_paid, "南圩片区"))
        if index == 15:
            self.assets.append(("社区食堂厨房设备", "机器设备", last, 1, 4_300_000, "党群服务中心"))
        for name, category, acquired, qty, value, location in self.assets:
            session.add(
                FixedAsset(
                    period_id=pid,
                    name=name,
                    category=category,
                    acquired_on=acquired,
                    quantity=qty,
                    original_value_fen=value,
                    location=location,
                    status="在用",
                )
            )

        session.add(
            Debt(
                period_id=pid,
                kind=DebtKind.receivable,
                counterparty="农贸市场3号门面商户",
                amount_fen=450_000,
                due_on=date(first.year, 12, 31),
                note="拖欠3个月租金，已催缴",
            )
        )
        if 10 <= index <= 14:
            session.add(
                Debt(
                    period_id=pid,
                    kind=DebtKind.payable,
                    counterparty="江淮水利工程有限公司",
                    amount_fen=1_900_000,
                    due_on=date(first.year + 1, 6, 30),
                    note="排涝工程质保金，验收一年后支付",
                )
            )
        session.add(
            Debt(
                period_id=pid,
                kind=DebtKind.payable,
                counterparty="青禾镇农村信用社",
                amount_fen=20_000_000,
                due_on=date(2027, 12, 31),
                note="2019年修路借款余额",
            )
        )

        session.add(
            Resource(
                period_id=pid,
                kind="耕地",
                name="东片耕地",
                area="386亩",
                holder="青禾种植专业合作社",
                contract_start=date(2021, 1, 1),
                contract_end=date(2030, 12, 31),
                annual_fee_fen=38_600_000,
            )
        )
        session.add(
            Resource(
                period_id=pid,
                kind="水面",
                name="南圩鱼塘",
                area="42亩",
                holder="承包户 周某",
                contract_start=date(2022, 1, 1),
                contract_end=date(last.year if month < 11 else last.year + 1, 12, 31),
                annual_fee_fen=6_800_000,
            )
        )
        session.add(
            Resource(
                period_id=pid,
                kind="厂房",
                name="青禾街3号门面房（12间）",
                area="960平方米",
                holder="农贸市场商户",
                contract_start=date(2024, 1, 1),
                contract_end=date(2026, 12, 31),
                annual_fee_fen=21_600_000,
            )
        )

        attendance = lambda: rng.randint(32, PARTY_MEMBERS)  # noqa: E731
        session.add(
            PartyItem(
                period_id=pid,
                category="三会一课",
                item_date=date(first.year, first.month, 8),
                title="支部委员会会议",
                description="研究本月重点工作和党员联系户走访安排。",
                participants=7,
            )
        )
        session.add(
            PartyItem(
                period_id=pid,
                category="主题党日",
                item_date=date(first.year, first.month, min(26, last.day)),
                title=f"{month}月主题党日：志愿服务进小区",
                description="党员分组清理楼道杂物，走访独居老人。",
                participants=attendance(),
            )
        )
        if month % 3 == 0:
            dues = rng.randint(40, 60) * 10_000
            session.add(
                PartyItem(
                    period_id=pid,
                    category="党费收缴使用",
                    item_date=date(first.year, first.month, 20),
                    title=f"第{month // 3}季度党费收缴",
                    description=f"应交{PARTY_MEMBERS}人，实交{PARTY_MEMBERS}人，已全额上缴镇党委。",
                    participants=PARTY_MEMBERS,
                    amount_fen=dues,
                )
            )
        if month == 1:
            session.add(
                PartyItem(
                    period_id=pid,
                    category="民主评议党员",
                    item_date=date(first.year, 1, 18),
                    title="年度民主评议党员",
                    description="评议优秀12人、合格34人。",
                    participants=PARTY_MEMBERS,
                )
            )
            session.add(
                PartyItem(
                    period_id=pid,
                    category="组织生活会",
                    item_date=date(first.year, 1, 20),
                    title="年度组织生活会",
                    description="开展批评与自我批评，查摆问题5条并制定整改措施。",
                    participants=attendance(),
                )
            )
        if month in (6, 12):
            session.add(
                PartyItem(
                    period_id=pid,
                    category="发展党员",
                    item_date=date(first.year, month, 15),
                    title="接收预备党员",
                    description="经支部大会表决，接收1名同志为预备党员，公示期5个工作日。",
                    participants=attendance(),
                )
            )

        recipients = self.people[: 8 + index % 4]
        dibao = AffairItem(
            period_id=pid,
            category="低保·救助·补贴发放",
            item_date=date(first.year, first.month, 10),
            title=f"{month}月城乡低保金发放",
            description="按镇民政办核定名单发放，已打卡到户。",
            amount_fen=sum(58_000 if i % 3 else 72_000 for i, _ in enumerate(recipients)),
        )
        session.add(dibao)
        session.flush()
        for i, (name, id_number, phone, group) in enumerate(recipients):
            session.add(
                Beneficiary(
                    affair_id=row_id(dibao),
                    name=name,
                    id_number=id_number,
                    phone=phone,
                    group_name=group,
                    amount_fen=58_000 if i % 3 else 72_000,
                    note="一类低保" if not i % 3 else "二类低保",
                )
            )
        session.add(
            AffairItem(
                period_id=pid,
                category="村民(代表)会议决定及执行",
                item_date=date(first.year, first.month, 12),
                title="居民代表会议",
                description="通报上月收支情况，讨论小区停车管理办法，同意票31票、反对0票、弃权2票。",
            )
        )
        if index == 5:
            session.add(
                AffairItem(
                    period_id=pid,
                    category="村民(代表)会议决定及执行",
                    item_date=date(first.year, first.month, 18),
                    title="四议两公开：排涝沟渠清淤工程立项",
                    description="党组织提议、两委商议、党员大会审议通过，居民代表会议决议实施，预算38.6万元。",
                    amount_fen=38_600_000,
                )
            )
        if 6 <= index <= 10:
            session.add(
                AffairItem(
                    period_id=pid,
                    category="工程项目",
                    item_date=date(first.year, first.month, 16),
                    title="排涝沟渠清淤工程",
                    description="公开招标确定施工单位，本月按合同支付工程款，监委会全程监督。",
                    amount_fen=self.project_paid,
                )
            )
        if month in (4, 10):
            session.add(
                AffairItem(
                    period_id=pid,
                    category="宅基地审批",
                    item_date=date(first.year, first.month, 20),
                    title="宅基地申请初审公示",
                    description="第3组1户申请翻建住房，面积符合标准，公示7天无异议。",
                )
            )
        if month == 3:
            session.add(
                AffairItem(
                    period_id=pid,
                    category="一事一议",
                    item_date=date(first.year, 3, 25),
                    title="一事一议：第5组道路硬化",
                    description="居民自愿筹资，财政奖补，预算12万元。",
                    amount_fen=12_000_000,
                )
            )

        for order, (name, materials, where, limit) in enumerate(SERVICES, start=1):
            session.add(
                ServiceItem(
                    period_id=pid,
                    sort_order=order,
                    name=name,
                    materials=materials,
                    location=where,
                    time_limit=limit,
                    contact="0523-8888 6600",
                )
            )
        session.flush()


def seed_demo(session: Session, *, end_period: str | None = None, months: int = MONTHS, seed: int = 2026) -> Village:
    """Create the demo township, community, users and ``months`` published months."""
    if session.exec(select(Village).where(Village.code == DEMO_VILLAGE[0])).first():
        raise BoardError("演示社区已存在（代码 DEMO）", field="演示数据")
    end_period = end_period or default_end_period()
    ensure_township(session, code=DEMO_TOWNSHIP[0], name=DEMO_TOWNSHIP[1])
    village = add_village(
        session,
        code=DEMO_VILLAGE[0],
        name=DEMO_VILLAGE[1],
        township_code=DEMO_TOWNSHIP[0],
        hotline="0523-8888 6612",
        board_address="幸福路18号党群服务中心门口",
        is_demo=True,
    )
    users = {}
    for username, display, role in DEMO_USERS:
        existing = session.exec(select(User).where(User.username == username)).first()
        users[role] = existing or add_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=display,
            village_codes=(village.code,) if role in (Role.clerk, Role.supervisor, Role.grid) else (),
            township_code=DEMO_TOWNSHIP[0] if role == Role.township else None,
            demo=True,
        )
    builder = _DemoBuilder(session, village, random.Random(seed))
    for index in range(months):
        period = shift_period(end_period, index - months + 1)
        builder.fill_month(period, index)
        published = _publication_time(period, index)
        _workflow(session, village, period, users, published)
    if months > 4:  # the corrected month is the fifth from the end
        amended = shift_period(end_period, -4)
        _demo_amendment(session, village, amended, users, _publication_time(amended, months - 5))
    return village


def _dated(session: Session, at: datetime) -> None:
    """Give the audit row the step just wrote the moment the demo says it happened (not the seeding instant)."""
    session.flush()
    entry = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc())).first()
    assert entry is not None  # the step just wrote it
    entry.at = at
    session.add(entry)


def _workflow(session: Session, village: Village, period: str, users: dict, published: datetime) -> None:
    """Submitted two days, approved one day before publication; each audit row at its own date."""
    submitted, approved = published - timedelta(days=2), published - timedelta(days=1)
    submit_period(session, village=village, period=period, user=users[Role.clerk], now=submitted)
    _dated(session, submitted)
    approve_period(session, village=village, period=period, user=users[Role.supervisor], now=approved)
    _dated(session, approved)
    publish_period(session, village=village, period=period, user=users[Role.supervisor], now=published)
    _dated(session, published)


def _publication_time(period: str, index: int) -> datetime:
    """A realistic publication moment: a weekday morning early in the following month (Beijing time)."""
    first, _ = period_bounds(shift_period(period, 1))
    return min(datetime(first.year, first.month, 3 + index % 5, 1, 30, tzinfo=UTC), utcnow())


def _demo_amendment(session: Session, village: Village, period: str, users: dict, first: datetime) -> None:
    """One corrected month, so the board shows what an amendment (更正) looks like."""
    reason = "主题党日参加人数登记有误，由实到人数更正为签到表人数 41 人。"
    # Found three weeks after the first publication; the correction is published a week later.
    found = min(first + timedelta(days=21), utcnow() - timedelta(days=8))
    amend_period(session, village=village, period=period, user=users[Role.clerk], reason=reason)
    _dated(session, found)
    row = get_or_create_period(session, village, period)
    item = session.exec(
        select(PartyItem).where(PartyItem.period_id == row.id, PartyItem.category == "主题党日")
    ).first()
    if item is None:
        raise BoardError(f"演示数据 {period} 没有主题党日", field="演示数据")
    item.participants = 41
    session.add(item)
    _workflow(session, village, period, users, found + timedelta(days=7))
