"""Generate xiangyang_2022.docx, a fictional plan typeset as a Word document.

The plan is invented test material (襄阳 is a real city, the plan is not). It exercises:
headings as Word heading styles, an indicator table with vertically merged category cells
and a footnote, and a task-division annex table with merged section rows, multi-line cells
(line breaks inside one paragraph and several paragraphs in one cell), and tasks that are
only in the annex. The hand-made key is xiangyang_2022.key.json beside this script.

    .venv/bin/python tests/planimport/plans/xiangyang_2022_docx/make_docx.py
"""

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).with_name("xiangyang_2022.docx")
IPO = "市市场监管局（市知识产权局）"

NOTICE = [
    ("title", "襄阳市人民政府办公室关于印发襄阳市知识产权强市建设试点实施方案（2022—2025年）的通知"),
    ("center", "襄政办发〔2022〕15号"),
    ("plain", "各县（市、区）人民政府，东津新区、襄阳高新区管委会，市政府各部门："),
    (
        "body",
        "经市人民政府同意，现将《襄阳市知识产权强市建设试点实施方案（2022—2025年）》印发给你们，请认真组织实施。",
    ),
    ("right", "襄阳市人民政府办公室"),
    ("right", "2022年4月18日"),
    ("title", "襄阳市知识产权强市建设试点实施方案（2022—2025年）"),
    (
        "body",
        "为深入贯彻《知识产权强国建设纲要（2021—2035年）》和《“十四五”国家知识产权保护和运用规划》，"
        "扎实推进国家知识产权强市建设试点城市工作，结合我市实际，制定本方案。",
    ),
    ("h1", "一、总体要求"),
    ("h2", "（一）指导思想"),
    (
        "body",
        "以习近平新时代中国特色社会主义思想为指导，完整、准确、全面贯彻新发展理念，坚持以知识产权高质量发展"
        "服务经济高质量发展，全面加强知识产权保护，激发全社会创新活力，为襄阳加快建设引领汉江流域发展、"
        "辐射南襄盆地的省域副中心城市提供有力支撑。",
    ),
    ("h2", "（二）工作目标"),
    (
        "body",
        "到2025年，知识产权强市建设试点任务全面完成，知识产权创造质量、运用效益、保护效果、管理能力和服务水平"
        "明显提升，主要指标达到全省前列（见表1）。其中，每万人口高价值发明专利拥有量达到5件，"
        "知识产权质押融资金额累计达到100亿元。",
    ),
]

INDICATOR_HEADER = ["类别", "序号", "指标", "单位", "基期值（2020年）", "目标值（2025年）", "属性"]
INDICATORS = [
    ("创造", "1", "每万人口高价值发明专利拥有量", "件", "2.1", "5", "预期性"),
    ("创造", "2", "发明专利年授权量", "件", "1186", "2000", "预期性"),
    ("创造", "3", "PCT国际专利年申请量", "件", "23", "60", "预期性"),
    ("创造", "4", "有效注册商标量", "万件", "8.6", "15", "预期性"),
    ("创造", "5", "地理标志商标总数", "件", "41", "50", "预期性"),
    ("运用", "6", "知识产权质押融资金额", "亿元", "12.3", "100", "预期性"),
    ("运用", "7", "专利转让许可次数", "次", "860", "1500", "预期性"),
    ("运用", "8", "专利密集型产业增加值占地区生产总值比重", "%", "9.8", "12", "预期性"),
    ("保护", "9", "知识产权保护社会满意度", "分", "78.5", "82", "预期性"),
    ("保护", "10", "专利侵权纠纷行政裁决案件结案率", "%", "92", "95以上", "约束性"),
    ("管理", "11", "通过知识产权管理体系认证的企业", "家", "186", "400", "预期性"),
    ("管理", "12", "国家知识产权示范、优势企业", "家", "32", "60", "预期性"),
    ("服务", "13", "知识产权服务机构", "家", "46", "80", "预期性"),
    ("服务", "14", "知识产权培训", "人次", "—", "累计2万", "预期性"),
]
FOOTNOTE = (
    "注：1.知识产权质押融资金额目标值为2022—2025年累计数。2.专利侵权纠纷行政裁决案件结案率为当年结案量"
    "与受理量之比。3.基期值为2020年数据，“—”表示2020年未作统计。"
)

TASKS_INTRO = [("h1", "二、重点任务")]
SECTIONS = [
    (
        "（一）提升知识产权创造质量",
        [
            (
                "1.实施高价值专利培育工程。",
                "聚焦汽车及零部件、新能源、装备制造、农产品加工等主导产业，支持龙头企业联合高校院所组建高价值专利"
                "培育中心，培育一批核心专利和高价值专利组合。",
            ),
            (
                "2.推进商标品牌建设。",
                "实施“襄阳品牌”培育行动，支持企业开展商标国际注册，打造一批区域品牌和集体商标。",
            ),
            (
                "3.加强地理标志培育保护。",
                "深入挖掘“襄阳高香茶”“保康茶”“南漳水镜茶”等特色资源，推动地理标志商标注册和地理标志产品保护，"
                "实施地理标志运用促进工程。",
            ),
        ],
    ),
    (
        "（二）促进知识产权转化运用",
        [
            (
                "4.深化专利导航服务。",
                "围绕主导产业开展产业规划类专利导航，到2025年建设五个以上产业专利导航服务基地，推动导航成果在"
                "产业决策和招商引资中应用。",
            ),
            (
                "5.拓展知识产权金融服务。",
                "推广知识产权质押融资“襄知贷”产品，落实贷款贴息和风险补偿政策，扩大专利保险覆盖面。",
            ),
            (
                "6.推动专利转移转化。",
                "依托襄阳市科技成果转化中心，建立高校院所专利开放许可对接机制，促进专利技术向中小企业转移。",
            ),
        ],
    ),
    (
        "（三）强化知识产权保护",
        [
            (
                "7.加强知识产权行政执法。",
                "持续开展“铁拳”“昆仑”等专项行动，严厉打击商标侵权、假冒专利等违法行为。",
            ),
            (
                "8.完善知识产权司法保护。",
                "推进知识产权民事、刑事、行政案件“三合一”审判机制改革，加大侵权损害赔偿力度。",
            ),
            (
                "9.构建知识产权协同保护格局。",
                "建立行政裁决、司法调解、仲裁、公证衔接机制，设立知识产权纠纷人民调解委员会。",
            ),
            (
                "10.加强海外知识产权纠纷应对指导。",
                "建立海外知识产权纠纷预警和应对指导机制，支持出口企业开展海外知识产权布局。",
            ),
        ],
    ),
    (
        "（四）提升知识产权管理能力",
        [
            (
                "11.推进企业知识产权规范化管理。",
                "引导企业贯彻《企业知识产权管理规范》国家标准，培育国家知识产权示范企业和优势企业。",
            ),
            (
                "12.加强重大经济科技活动知识产权评议。",
                "在重大产业规划、政府投资项目、人才引进和技术进出口中开展知识产权评议。",
            ),
        ],
    ),
    (
        "（五）优化知识产权公共服务",
        [
            (
                "13.建设知识产权公共服务网点。",
                "推动在高校、科技园区和行业协会设立技术与创新支持中心（TISC）及知识产权信息公共服务网点。",
            ),
            (
                "14.培育知识产权服务业。",
                "引进和培育专利代理、知识产权运营、评估等服务机构，开展知识产权服务业“蓝天”专项整治。",
            ),
            (
                "15.加强知识产权人才培养。",
                "将知识产权纳入领导干部教育培训内容，开展企业知识产权工程师培训。",
            ),
        ],
    ),
]

AFTER_TASKS = [
    ("h1", "三、实施步骤"),
    (
        "body",
        "（一）部署启动阶段（2022年4月至6月）。制定任务分工，召开动员部署会，各责任单位制定具体工作计划。",
    ),
    (
        "body",
        "（二）全面推进阶段（2022年7月至2024年12月）。各责任单位按照分工全面推进重点任务，2024年6月开展中期评估，"
        "及时调整完善工作措施。",
    ),
    (
        "body",
        "（三）总结验收阶段（2025年1月至12月）。全面总结试点工作成效，形成总结报告，迎接国家知识产权局验收。",
    ),
    ("h1", "四、保障措施"),
    (
        "body",
        "（一）加强组织领导。成立由市长任组长的襄阳市知识产权强市建设试点工作领导小组，领导小组办公室设在"
        "市市场监管局（市知识产权局），负责日常协调和督办。各责任单位按照附件分工抓好落实。",
    ),
    (
        "body",
        "（二）强化资金保障。市财政每年安排知识产权专项资金不少于2000万元，重点支持高价值专利培育、"
        "专利导航和知识产权金融服务。",
    ),
    (
        "body",
        "（三）严格督查考核。将知识产权强市建设试点工作纳入市直部门和县（市、区）年度目标考核，"
        "每半年通报一次进展情况。",
    ),
    ("plain", "附件：襄阳市知识产权强市建设试点重点任务分工表"),
]

ANNEX_HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
# A str row is a merged section row; in a task row, a list of names is one paragraph per
# name, and a str with "\n" is one paragraph with line breaks.
ANNEX = [
    "一、提升知识产权创造质量",
    ("1", "实施高价值专利培育工程", IPO, ["市科技局", "市经信局", "各县（市、区）人民政府"], "2025年底前"),
    ("2", "推进商标品牌建设", IPO, ["市商务局", "市农业农村局", "市文旅局"], "持续推进"),
    (
        "3",
        "加强地理标志培育保护",
        IPO + "\n市农业农村局",
        ["南漳县人民政府", "谷城县人民政府", "保康县人民政府"],
        "2024年12月",
    ),
    "二、促进知识产权转化运用",
    ("4", "深化专利导航服务", IPO, ["市发改委", "市经信局", "市招商服务中心"], "2025年底前"),
    (
        "5",
        "拓展知识产权金融服务（质押融资、专利保险）",
        "市地方金融监管局\n人行襄阳市中心支行",
        [IPO, "襄阳银保监分局", "市财政局"],
        "持续推进",
    ),
    ("6", "推动专利转移转化", "市科技局", [IPO, "市教育局", "襄阳高新区管委会"], "2025年底前"),
    "三、强化知识产权保护",
    ("7", "加强知识产权行政执法", IPO, ["市公安局", "市委宣传部（市版权局）", "襄阳海关"], "持续推进"),
    (
        "8",
        "完善知识产权司法保护",
        "市中级人民法院",
        ["市人民检察院", "市公安局", "市司法局"],
        "2023年6月底前",
    ),
    ("9", "构建知识产权协同保护格局", "市司法局", [IPO, "市中级人民法院", "市贸促会"], "2023年12月底前"),
    ("10", "加强海外知识产权纠纷应对指导", "市商务局", [IPO, "襄阳海关", "市贸促会"], "持续推进"),
    "四、提升知识产权管理能力",
    (
        "11",
        "推进企业知识产权规范化管理",
        IPO,
        ["市经信局", "市国资委", "各县（市、区）人民政府"],
        "2025年底前",
    ),
    ("12", "加强重大经济科技活动知识产权评议", "市发改委", ["市科技局", "市经信局", IPO], "持续推进"),
    "五、优化知识产权公共服务",
    (
        "13",
        "建设知识产权公共服务网点",
        IPO,
        ["市科技局", "襄阳高新区管委会", "东津新区管委会"],
        "2024年12月底前",
    ),
    ("14", "培育知识产权服务业", IPO, ["市发改委", "市商务局"], "2025年底前"),
    ("15", "加强知识产权人才培养", "市委组织部\n市人社局", [IPO, "市教育局"], "持续推进"),
    (
        "16",
        "建设知识产权“一站式”综合服务窗口\n（依托市民服务中心）",
        "市政务服务和大数据管理局",
        [IPO],
        "2022年12月底前",
    ),
    ("17", "建立知识产权统计监测制度", "市统计局", [IPO, "市科技局"], "2023年6月底前"),
    "六、强化组织实施",
    ("18", "建立知识产权强市建设试点工作考核机制", "市政府督查室", [IPO, "市委组织部"], "2022年12月底前"),
]


def set_fonts(doc):
    for name, east, size in (
        ("Normal", "仿宋_GB2312", 14),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 15),
    ):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east)


def add_para(doc, kind, text):
    if kind in ("h1", "h2"):
        return doc.add_heading(text, level=1 if kind == "h1" else 2)
    p = doc.add_paragraph()
    run = p.add_run(text)
    if kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold = True
        run.font.size = Pt(20)
    elif kind == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif kind == "body":
        p.paragraph_format.first_line_indent = Pt(28)
    return p


def fill(cell, value):
    """A cell's text: a list is one paragraph per item; '\n' in a str is a line break."""
    items = value if isinstance(value, list) else [value]
    cell.paragraphs[0].add_run(items[0])
    for item in items[1:]:
        cell.add_paragraph(item)


def indicator_table(doc):
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.add_run("表1 襄阳市知识产权强市建设试点主要指标").bold = True
    table = doc.add_table(rows=1, cols=len(INDICATOR_HEADER))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, INDICATOR_HEADER, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    first_row_of = {}
    for values in INDICATORS:
        row = table.add_row()
        category = values[0]
        if category not in first_row_of:
            first_row_of[category] = row
            fill(row.cells[0], category)
        for cell, text in zip(row.cells[1:], values[1:], strict=True):
            fill(cell, text)
    # Merge each category's cells vertically, as Word does for a spanning category column.
    rows = table.rows
    for category, first in first_row_of.items():
        last = [r for r, v in zip(rows[1:], INDICATORS, strict=True) if v[0] == category][-1]
        if last is not first:
            first.cells[0].merge(last.cells[0])
    doc.add_paragraph(FOOTNOTE)


def tasks(doc):
    for kind, text in TASKS_INTRO:
        add_para(doc, kind, text)
    for heading, items in SECTIONS:
        doc.add_heading(heading, level=2)
        for lead_in, rest in items:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            p.add_run(lead_in).bold = True
            p.add_run(rest)


def annex(doc):
    doc.add_page_break()
    doc.add_paragraph("附件")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("襄阳市知识产权强市建设试点重点任务分工表").bold = True
    table = doc.add_table(rows=1, cols=len(ANNEX_HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ANNEX_HEADER, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for item in ANNEX:
        row = table.add_row()
        if isinstance(item, str):
            merged = row.cells[0].merge(row.cells[-1])
            merged.paragraphs[0].add_run(item).bold = True
            continue
        for cell, value in zip(row.cells, item, strict=True):
            fill(cell, value)


def build(path=OUT):
    doc = Document()
    set_fonts(doc)
    props = doc.core_properties
    props.title = "襄阳市知识产权强市建设试点实施方案（2022—2025年）"
    props.author = "襄阳市人民政府办公室"
    props.created = props.modified = dt.datetime(2022, 4, 18, 9, 0, tzinfo=dt.UTC)
    props.last_modified_by = "襄阳市人民政府办公室"
    props.revision = 1
    for kind, text in NOTICE:
        add_para(doc, kind, text)
    indicator_table(doc)
    tasks(doc)
    for kind, text in AFTER_TASKS:
        add_para(doc, kind, text)
    annex(doc)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
