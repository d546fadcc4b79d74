"""Real-style policy notices (fictional township 青禾镇) and the files a grid worker receives.

Each notice comes as paragraphs (for a real DOCX or PDF built here) and as the plain-language
rewrite a grid worker would publish (Markdown with the six headings).  The checker's findings
on both, before and after, are quoted in the closing note.
"""

from __future__ import annotations

import io
import zipfile

MEDICAL = [
    "青禾镇人民政府",
    "关于做好2027年度城乡居民基本医疗保险参保缴费工作的通知",
    "青政发〔2026〕12号",
    "各村（社区）：",
    "为深入贯彻落实上级文件精神，进一步做好我镇城乡居民基本医疗保险参保缴费工作，切实做到应保尽保，现将有关事项通知如下。",
    "一、参保对象：具有本镇户籍且未参加职工基本医疗保险的城乡居民，均须按规定参保。",
    "二、缴费标准：2027年度个人缴费标准为每人每年400元，特困人员、低保对象由财政全额代缴。",
    "三、缴费时间：2026年9月1日起至2026年12月31日止，请参保人员于规定时间内及时缴纳，逾期不予补缴。",
    "四、缴费方式：参保人员可通过“江苏医保云”微信小程序缴费，也可携带身份证、户口簿到村（社区）便民服务中心窗口办理。",
    "五、参保待遇：参保人员自2027年1月1日起享受城乡居民医保待遇，门诊报销比例为50%，住院起付线为600元。",
    "六、咨询电话：0523-8888 1234（镇便民服务中心医保窗口）。",
    "青禾镇人民政府",
    "2026年8月20日",
]

MEDICAL_PLAIN = """# 明年的居民医保，现在开始交钱了
发文机关：青禾镇人民政府
文号：青政发〔2026〕12号
发文日期：2026-08-20
截止日期：2026-12-31

## 一句话说清楚
明年看病想报销，今年12月31日前每人交400元。

## 这是什么
这是居民医保。交了钱，明年看病能报销一部分。

## 谁能办、谁能领
户口在本镇的人。单位已经给你交了医保的，不用再交。

## 能得到什么（钱数、标准）
看门诊，能报销一半。住院时，自己先付600元，剩下的按比例报销。
特困户和低保户不用自己交，由政府出钱。

## 要带什么材料
在手机上交，什么都不用带。
去窗口交，带身份证和户口本。

## 去哪里办、怎么办
用微信搜“江苏医保云”小程序，就能交。
也可以到村（社区）便民服务中心窗口交。

## 什么时候截止
2026年9月1日开始，2026年12月31日截止。过了日子就不能补交了。

## 找谁问
镇便民服务中心医保窗口，电话 0523-8888 1234。
"""

ELDERLY = [
    "青禾镇民政办公室",
    "关于调整高龄老人尊老金发放标准的通知",
    "青民〔2026〕7号",
    "各村（社区）：",
    "根据县民政局有关文件要求，经研究决定，自2027年1月1日起调整我镇高龄老人尊老金发放标准，现就有关事项通知如下。",
    "一、发放对象：具有本镇户籍、年满80周岁的老年人。",
    "二、发放标准：80至89周岁每人每月50元，90至99周岁每人每月100元，100周岁以上每人每月500元，按月发放至本人社保卡。",
    "三、申领程序：符合条件的老年人或其家属携带本人身份证、户口簿、社保卡到户籍所在地村（社区）便民服务中心申领，经审核后于次月起发放。",
    "四、资格认证：享受尊老金的老年人每年须进行一次资格认证，未按期认证的暂停发放。",
    "五、咨询电话：0523-8888 2345（镇民政办）。",
    "青禾镇民政办公室",
    "2026年11月15日",
]

ELDERLY_PLAIN = """# 80岁以上老人每月能领尊老金，明年起多领
发文机关：青禾镇民政办公室
文号：青民〔2026〕7号
发文日期：2026-11-15
生效日期：2027-01-01

## 一句话说清楚
户口在本镇、满80岁的老人，每月能领50元到500元。

## 这是什么
这是政府给高龄老人的零花钱，叫“尊老金”。

## 谁能办、谁能领
户口在本镇、满80岁的老人。

## 能得到什么（钱数、标准）
80到89岁，每月50元。
90到99岁，每月100元。
满100岁，每月500元。
钱每月打到老人的社保卡上。

## 要带什么材料
老人的身份证、户口本、社保卡。

## 去哪里办、怎么办
老人或家里人，到户口所在的村（社区）便民服务中心申请。
审核通过后，下个月开始发钱。

## 什么时候截止
长期有效，随时可以申请。
每年要去确认一次，没确认的会先停发。

## 找谁问
镇民政办，电话 0523-8888 2345。
"""

FARMLAND = [
    "青禾镇农业农村服务中心",
    "关于做好2026年耕地地力保护补贴发放工作的通知",
    "各村（社区）：",
    "按照县农业农村局统一部署，为切实保护耕地地力，进一步规范补贴发放管理，现将2026年耕地地力保护补贴有关事项通知如下。",
    "一、补贴对象：拥有耕地承包权的种地农民，补贴面积以二轮承包面积为准，已改变用途的耕地不予补贴。",
    "二、补贴标准：每亩120元。",
    "三、工作要求：各村要认真核实补贴面积，在村务公开栏公示7天，公示无异议后于2026年12月15日前报镇农业农村服务中心。",
    "四、资金发放：补贴资金通过“一卡通”直接发放到农户账户，请农户及时查收。",
    "五、联系电话：0523-8888 3456。",
    "青禾镇农业农村服务中心",
    "2026年11月20日",
]

FARMLAND_PLAIN = """# 种地补贴：每亩120元，年底打到一卡通
发文机关：青禾镇农业农村服务中心
发文日期：2026-11-20
截止日期：2026-12-15

## 一句话说清楚
有承包地的农户，每亩地能领120元，年底打到一卡通。

## 这是什么
这是国家给种地农民的补贴，为了让大家把地种好、养好。

## 谁能办、谁能领
有承包地的农户，按第二轮承包的亩数算。
地已经改作别的用处的，不发。

## 能得到什么（钱数、标准）
每亩120元。比如家里有5亩地，能领600元。

## 要带什么材料
不用带材料，也不用申请。

## 去哪里办、怎么办
村里先把每户的亩数贴在公开栏上，贴7天。
觉得亩数不对，7天内找村委会说。

## 什么时候截止
2026年12月15日前，村里报到镇上，之后钱打到一卡通。

## 找谁问
镇农业农村服务中心，电话 0523-8888 3456。
"""

NOTICES = {
    "医保缴费": (MEDICAL, MEDICAL_PLAIN),
    "高龄津贴": (ELDERLY, ELDERLY_PLAIN),
    "耕地地力补贴": (FARMLAND, FARMLAND_PLAIN),
}


def docx_bytes(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    """A real Word file, as python-docx writes it."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The zip ``data`` with some members' contents replaced (a DOCX with crafted XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
    return out.getvalue()


def pdf_bytes(paragraphs: list[str], *, repeat: int = 1) -> bytes:
    """A real PDF with an embedded CJK TrueType font (text pdfplumber can extract)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from exports.fonts import resolve_font

    font = resolve_font().name
    style = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build([Paragraph(text, style) for _ in range(repeat) for text in paragraphs])
    return buffer.getvalue()
