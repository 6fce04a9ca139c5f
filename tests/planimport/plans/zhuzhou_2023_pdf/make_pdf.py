"""Generate zhuzhou_2023.pdf, a fictional plan typeset to PDF with WeasyPrint.

Invented test material (株洲 is a real city, the plan is not). It exercises: an A4 page
layout with "— N —" page-number footers and a running header, an indicator table whose long
cells wrap inside the cell (so `pdftotext -layout` splits a row over several lines), a
footnote that marks annual indicators with △, targets written as 翻一番 / 9左右 / 3以内 /
10—12, tasks numbered 1. 2. anew in each section, and unit parentheticals that wrap across
lines, one of which marks its lead with （牵头） instead of listing it first. Needs the
Noto CJK fonts (Debian fonts-noto-cjk). The hand-made key is zhuzhou_2023.key.json.

    .venv/bin/python tests/planimport/plans/zhuzhou_2023_pdf/make_pdf.py
"""

from html import escape
from pathlib import Path

OUT = Path(__file__).with_name("zhuzhou_2023.pdf")
TITLE = "株洲市知识产权强市建设示范城市工作方案（2023—2025年）"

NOTICE = f"""
<h1 class="notice">株洲市人民政府办公室关于印发《{TITLE}》的通知</h1>
<p class="docno">株政办发〔2023〕8号</p>
<p class="plain">各县市区人民政府，株洲经开区管委会，市政府各局委办、各直属事业单位：</p>
<p>《{TITLE}》已经市人民政府同意，现印发给你们，请认真贯彻执行。</p>
<p class="sign">株洲市人民政府办公室<br>2023年3月6日</p>
<p class="plain">（此件主动公开）</p>
<h1 class="title">{TITLE}</h1>
<p>为深入实施知识产权强国战略，高标准推进国家知识产权强市建设示范城市建设，根据《知识产权强国建设纲要（2021—2035年）》和《湖南省知识产权强省建设纲要》，结合我市实际，制定本方案。</p>
<h2>一、总体要求</h2>
<p><b>（一）指导思想。</b>以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大精神，坚持知识产权保护和运用并重，以轨道交通、航空动力、先进硬质材料三大产业集群为重点，推动知识产权与产业、金融、人才深度融合，为建设“中国动力谷”提供有力支撑。</p>
<p><b>（二）主要目标。</b>到2025年，知识产权强市建设示范城市建设取得显著成效，知识产权创造、运用、保护、管理和服务水平全面提升。全市有效发明专利拥有量力争突破一万件，培育国家知识产权示范企业二十家以上，知识产权质押融资登记金额实现翻一番。具体指标见下表。</p>
"""

INDICATOR_HEADER = ["序号", "类别", "指标名称", "单位", "2022年基期值", "2025年目标值", "指标属性"]
INDICATORS = [
    ("1", "创造", "有效发明专利拥有量", "件", "6820", "10000", "预期性"),
    ("2", "创造", "每万人口高价值发明专利拥有量", "件", "4.3", "9左右", "预期性"),
    ("3", "创造", "轨道交通、航空动力、先进硬质材料产业发明专利申请量△", "件", "1650", "2500", "预期性"),
    ("4", "创造", "有效注册商标量", "件", "72400", "100000", "预期性"),
    ("5", "运用", "知识产权质押融资登记金额△", "亿元", "18.6", "翻一番", "预期性"),
    ("6", "运用", "专利实施许可合同备案量△", "件", "215", "400", "预期性"),
    ("7", "运用", "技术合同成交额中知识产权交易占比", "%", "12", "20", "预期性"),
    ("8", "保护", "知识产权纠纷案件调解成功率", "%", "61", "70以上", "预期性"),
    ("9", "保护", "专利侵权纠纷案件平均办理周期", "月", "4", "3以内", "约束性"),
    ("10", "管理", "国家知识产权示范企业", "家", "9", "20", "预期性"),
    ("11", "管理", "新增通过知识产权管理规范认证的企业", "家", "—", "150", "预期性"),
    ("12", "服务", "知识产权服务机构营业收入△", "亿元", "1.2", "2.5", "预期性"),
    ("13", "服务", "知识产权公共服务网点", "个", "3", "10—12", "预期性"),
]
FOOTNOTE = (
    "注：1.带“△”的指标为当年值，其余为期末值。2.第11项为2023—2025年新增累计数。"
    "3.“翻一番”指达到2022年基期值的2倍。"
)

IPO = "市市场监管局"
SECTIONS = [
    (
        "（一）提升知识产权创造质量",
        [
            (
                "培育高价值专利组合。",
                "围绕轨道交通、航空动力、先进硬质材料三大产业集群，支持龙头企业联合高校院所建设高价值专利培育中心，"
                "每年遴选一批高价值专利培育项目予以支持。",
                f"（牵头单位：{IPO}；配合单位：市科技局、市工信局、株洲高新区管委会）",
            ),
            (
                "实施商标品牌战略。",
                "开展“株洲制造”区域品牌培育行动，支持企业申请马德里商标国际注册，推动醴陵瓷器等地理标志商标运用。",
                f"（牵头单位：{IPO}；配合单位：市商务局、市农业农村局）",
            ),
            (
                "加强版权创造。",
                "推动版权示范单位、示范园区建设，完善作品登记补助政策，促进动漫、软件等版权产业发展。",
                "（牵头单位：市委宣传部（市版权局）；配合单位：市文旅广体局）",
            ),
        ],
    ),
    (
        "（二）加快知识产权转化运用",
        [
            (
                "深化知识产权金融创新。",
                "推广知识产权质押融资“一站式”服务，落实风险补偿和贴息政策，探索知识产权证券化，扩大专利保险覆盖面。",
                f"（牵头单位：市财政局、人行株洲市中心支行；配合单位：{IPO}、株洲银保监分局、市金融办）",
            ),
            (
                "推动专利开放许可。",
                "组织高校院所梳理存量专利，发布开放许可清单，促进专利技术向中小企业转移转化。",
                f"（责任单位：市科技局、{IPO}、湖南工业大学）",
            ),
            (
                "开展专利导航服务。",
                "围绕产业集群开展产业规划类专利导航，在重大项目招引中开展专利导航分析。",
                f"（责任单位：市工信局、{IPO}（牵头）、市发改委）",
            ),
        ],
    ),
    (
        "（三）严格知识产权保护",
        [
            (
                "强化行政执法。",
                "聚焦重点领域和重点环节开展专项执法行动，加大对商标侵权、假冒专利、侵犯著作权等行为的查处力度。",
                f"（牵头单位：{IPO}；配合单位：市公安局、市委宣传部（市版权局）、株洲海关）",
            ),
            (
                "加强司法保护。",
                "完善知识产权案件集中管辖机制，依法适用惩罚性赔偿，加大刑事打击力度。",
                "（牵头单位：市中级人民法院；配合单位：市人民检察院、市公安局）",
            ),
            (
                "健全纠纷多元化解机制。",
                "建立知识产权纠纷人民调解、行业调解与诉讼对接机制，在重点产业园区设立知识产权纠纷调解工作站。",
                f"（牵头单位：市司法局；配合单位：{IPO}、市中级人民法院，各县市区人民政府）",
            ),
            (
                "建设中国（株洲）知识产权保护中心。",
                "面向轨道交通和先进硬质材料产业开展专利快速审查、快速确权和快速维权。",
                f"（牵头单位：{IPO}；配合单位：市发改委、市财政局、市委编办）",
            ),
        ],
    ),
    (
        "（四）提升知识产权管理水平",
        [
            (
                "推进企业贯标。",
                "引导企业贯彻《企业知识产权管理规范》，对通过认证的企业给予奖励。",
                f"（牵头单位：{IPO}；配合单位：市工信局、市国资委）",
            ),
            (
                "加强知识产权评议。",
                "对政府投资的重大产业项目、重大科技项目开展知识产权评议，防范知识产权风险。",
                f"（责任单位：市发改委、市科技局、{IPO}）",
            ),
        ],
    ),
    (
        "（五）优化知识产权服务",
        [
            (
                "完善公共服务网络。",
                "在高校、园区、行业协会布局知识产权信息公共服务网点，推动服务网点覆盖全部县市区。",
                f"（牵头单位：{IPO}；配合单位：市教育局、市科技局，各县市区人民政府）",
            ),
            (
                "培育服务业集聚区。",
                "依托株洲高新区建设知识产权服务业集聚区，引进国内知名知识产权服务机构。",
                f"（牵头单位：株洲高新区管委会；配合单位：{IPO}、市商务局）",
            ),
            (
                "加强人才队伍建设。",
                "将知识产权人才纳入全市人才政策支持范围，开展知识产权职称评审和专项培训。",
                f"（牵头单位：市人社局；配合单位：市委组织部、{IPO}、市教育局）",
            ),
            (
                "营造知识产权文化氛围。",
                "利用“4·26”世界知识产权日、中国专利周等节点，开展知识产权进企业、进校园、进社区活动。",
                "",
            ),
        ],
    ),
]

AFTER = """
<h2>三、实施步骤</h2>
<p><b>（一）动员部署阶段（2023年3月—4月）。</b>印发工作方案，召开动员大会，明确任务分工和时间节点。</p>
<p><b>（二）全面实施阶段（2023年5月—2024年12月）。</b>各牵头单位按照任务分工组织实施，每季度报送工作进展。</p>
<p><b>（三）巩固提升阶段（2025年1月—9月）。</b>对照目标查漏补缺，总结推广典型经验做法。</p>
<p><b>（四）总结评估阶段（2025年10月—12月）。</b>全面总结示范城市建设成效，形成总结报告，迎接省市场监管局（知识产权局）评估验收。</p>
<h2>四、保障措施</h2>
<p><b>（一）加强组织领导。</b>成立以市长为组长、分管副市长为副组长的株洲市知识产权强市建设示范城市工作领导小组，领导小组办公室设在市市场监管局，承担日常工作。</p>
<p><b>（二）加大资金投入。</b>市本级财政每年统筹安排知识产权专项资金1500万元以上，各县市区按照不低于1∶1的比例配套。</p>
<p><b>（三）强化督促考核。</b>将知识产权工作纳入全市绩效考核，对工作成效明显的单位予以通报表扬。</p>
<div class="colophon"><p>抄送：市委各部门，市人大常委会办公室，市政协办公室，市中级人民法院，市人民检察院。</p>
<p>株洲市人民政府办公室　　　　　　　　2023年3月6日印发</p></div>
"""

CSS = """
@page { size: A4; margin: 30mm 26mm 28mm 28mm;
  @top-center { content: "株洲市人民政府办公室文件"; font-size: 9pt; color: #c00; }
  @bottom-center { content: "— " counter(page) " —"; font-size: 11pt; } }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 12pt; line-height: 1.7; }
h1, h2, b { font-family: "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 17pt; text-align: center; margin: 8mm 0 4mm; }
h1.title { page-break-before: always; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; }
p { text-indent: 2em; margin: 0 0 1mm; text-align: justify; }
p.plain, p.docno, p.sign, p.note, .colophon p { text-indent: 0; }
p.docno { text-align: center; }
p.sign { text-align: right; margin-top: 4mm; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 2mm 0; }
caption { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; margin-bottom: 2mm; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 1.5mm; text-align: center; vertical-align: middle; }
td.name { text-align: left; width: 36%; }
td.short { white-space: nowrap; }
tr { page-break-inside: avoid; }
p.note { font-size: 10pt; }
.colophon { margin-top: 12mm; border-top: 1pt solid #000; border-bottom: 1pt solid #000; font-size: 10.5pt; }
"""


def indicator_table() -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in INDICATOR_HEADER)
    rows = []
    for values in INDICATORS:
        cells = [
            f'<td class="{"name" if i == 2 else "short"}">{escape(v)}</td>' for i, v in enumerate(values)
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<table><caption>株洲市知识产权强市建设示范城市主要指标</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="note">{escape(FOOTNOTE)}</p>'
    )


def tasks() -> str:
    out = ["<h2>二、重点任务</h2>"]
    for heading, items in SECTIONS:
        out.append(f'<p class="plain"><b>{escape(heading)}</b></p>')
        for n, (title, rest, units) in enumerate(items, start=1):
            out.append(f"<p>{n}.{escape(title)}{escape(rest)}{escape(units)}</p>")
    return "\n".join(out)


def html() -> str:
    body = NOTICE + indicator_table() + tasks() + AFTER
    return f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title></head><body>{body}</body></html>'


def build(path=OUT):
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    HTML(string=html()).write_pdf(path, stylesheets=[WeasyCSS(string=CSS)])
    return path


if __name__ == "__main__":
    print(build())
