"""Build pbm's shipped document templates: ``templates/<kind>.docx`` and ``<kind>.md.j2``.

    python templates/build_templates.py          # rewrites every template in this folder

One spec per kind (below) gives both the Word template and the Markdown template, so the
two formats say the same thing.  The Word files follow the 公文 layout of GB/T 9704-2012 as
far as a template can: A4, margins 37/35/28/26 mm, 仿宋_GB2312 三号 body on a 28 pt grid,
黑体 headings, 楷体 second-level headings, 方正小标宋简体 title, red issuing-office banner with
a red rule under the 文号, page numbers “— 1 —”.  Fonts are set IN THE STYLES with
``w:eastAsia`` (python-docx's ``font.name`` would leave Chinese text in the theme font,
python-docx issues 154 and 1601), so text docxtpl inserts inherits them.

Pagination is in the styles too (“与下段同页”, w:keepNext): 图片 keeps with the caption below
it, 表题 with its table, headings with what follows, 署名 with 成文日期; the paragraph before a
table and the text's last lines keep with what follows them, so 署名 and 成文日期 never stand
on a page of their own.  ``pbm report --check`` warns of a user template without these.

Slim on purpose (as measured, loading and re-zipping python-docx's 790 KB of default styles
costs more than filling a letter): the styles part is replaced by the dozen styles used here,
and stylesWithEffects, theme, numbering, webSettings, customXml and the thumbnail are dropped.
The output is reproducible: fixed zip timestamps and document properties.

Tables loop one row per item with ``{%tr for %}`` (flattened data, docxtpl issue 104); every
placeholder is typed in one run, so Word's run splitting cannot break it.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"
TEXT_WIDTH_TWIPS = 8844  # 156 mm 版心 width (GB/T 9704-2012 5.2.1)
FIXED_DATE = "2026-01-01T00:00:00Z"


# --------------------------------------------------------------------------- the specs

def banner():
    return [("banner",)]


def closing():
    return [("contact",), ("sign",)]


def _table(items: str, var: str, columns: list[tuple[str, str, int]]):
    return ("table", var, items, columns)


SPECS: dict[str, dict] = {}

SPECS["goal-review"] = {"title": "绩效目标审核意见书", "blocks": [
    *banner(),
    ("title", "关于{{ year }}年度项目支出绩效目标审核意见的函"),
    ("addressee", "{{ department }}："),
    ("p", "你单位报送的{{ year }}年度项目支出绩效目标（共{{ project_count }}个项目，资金合计"
          "{{ amount_total }}万元）已收悉。我局按照完整性、相关性、适当性、可行性的要求逐项目、"
          "逐指标进行了审核，审核等级为：{{ grade_summary }}。现将审核意见反馈如下。"),
    ("h1", "一、项目审核结果"),
    _table("projects", "p", [("序号", "index", 5), ("项目名称", "name", 22), ("项目编码", "code", 13),
                             ("资金（万元）", "amount", 11), ("审核等级", "grade", 7),
                             ("错误", "errors", 6), ("警告", "warnings", 6),
                             ("审核意见", "opinion", 30)]),
    ("h1", "二、分维度审核意见"),
    _table("dimensions", "d", [("审核维度", "dimension", 14), ("问题数", "count", 10),
                               ("审核意见", "opinion", 76)]),
    ("h1", "三、需修改的问题"),
    ("p", "{{ issues_intro }}"),  # the count and “逐项列示如下”, or that nothing is to fix
    _table("issues", "i", [("序号", "index", 5), ("项目", "project", 15), ("维度", "dimension", 8),
                           ("类别", "severity", 7), ("位置", "location", 11),
                           ("问题说明", "message", 30), ("修改建议", "hint", 24)]),
    ("h1", "四、有关要求"),
    ("loop_p", "a", "actions", "{{ a }}"),
    ("p", "{{ resubmission }}"),  # a resubmission by the deadline only when there is one to make
    *closing(),
]}

SPECS["monitor-feedback"] = {"title": "绩效监控情况反馈书", "blocks": [
    *banner(),
    ("title", "关于{{ period }}绩效运行监控情况的反馈意见"),
    ("addressee", "{{ department }}："),
    ("p", "根据预算绩效运行监控工作安排，我局对你单位{{ period }}项目预算执行进度和绩效目标实现程度"
          "进行了监控（“双监控”）。监控期末序时进度为{{ time_progress }}，你单位纳入监控项目"
          "{{ project_count }}个，预算{{ budget_total }}万元，已执行{{ executed_total }}万元，"
          "执行率{{ execution_rate }}{{ execution_note }}；亮红灯{{ red }}个、黄灯{{ yellow }}个、"
          "绿灯{{ green }}个。"),
    ("h1", "一、项目监控情况"),
    _table("projects", "p", [("序号", "index", 5), ("项目名称", "name", 20),
                             ("预算（万元）", "budget", 11), ("执行（万元）", "executed", 11),
                             ("执行率", "execution_rate", 9), ("序时进度", "time_progress", 9),
                             ("灯色", "light", 6), ("偏差原因", "reason", 29)]),
    ("h1", "二、发现的问题"),
    ("if", "has_problems"),
    ("p", "你单位报送的监控表存在以下{{ problem_count }}处问题："),
    _table("problems", "q", [("序号", "index", 6), ("项目", "project", 22), ("问题说明", "message", 42),
                             ("整改建议", "hint", 30)]),
    ("else",),
    ("p", "未发现需要整改的问题。"),
    ("endif",),
    # A letter with nothing to fix says so and asks for nothing: no measures, no deadline.
    ("if", "action_needed"),
    ("h1", "三、整改要求"),
    ("loop_p", "m", "measures", "{{ m }}"),
    ("p", "请于{{ deadline }}前将整改措施和落实情况书面报送我局。"),
    ("else",),
    ("h1", "三、监控结论"),
    ("p", "你单位本期绩效运行监控未发现需要整改的问题，无需报送整改情况。"),
    ("endif",),
    *closing(),
]}


def _monitor_reminder_blocks():
    """催报通知: to a department whose monitoring table did not arrive (or arrived blank) —
    what to send by when; whom the bureau calls to chase it is not the department's to read."""
    return [
        *banner(),
        ("title", "关于报送{{ period }}项目支出绩效监控表的通知"),
        ("addressee", "{{ department }}："),
        ("p", "根据预算绩效运行监控工作安排，各部门应按要求报送{{ period }}项目支出绩效监控表。"
              "截至{{ date }}，我局尚未收到你单位按要求填报的监控表。"),
        ("p", "请于{{ deadline }}前报送你单位纳入监控的全部项目的{{ period }}绩效监控表，如实填写预算数、"
              "{{ executed_label }}、绩效指标完成值和完成目标可能性；完成目标可能性不是“确定能”的，"
              "请一并分析偏差原因，提出相关建议或举措。"),
        ("p", "逾期未报送的，我局将在监控情况通报中列为未按时报送监控资料的部门。"),
        *closing(),
    ]


SPECS["monitor-reminder"] = {"title": "催报通知", "blocks": _monitor_reminder_blocks()}

SPECS["monitor-notice"] = {"title": "监控情况通报", "blocks": [
    *banner(),
    ("title", "关于{{ period }}预算绩效运行监控情况的通报"),
    ("addressee", "各预算部门（单位）："),
    ("p", "根据预算绩效运行监控工作安排，我局对{{ department_count }}个部门{{ project_count }}个项目"
          "{{ period }}的预算执行进度和绩效目标实现程度进行了监控。现将有关情况通报如下。"),
    ("h1", "一、总体情况"),
    ("p", "监控期末序时进度为{{ time_progress }}。纳入监控项目预算合计{{ budget_total }}万元，"
          "已执行{{ executed_total }}万元，执行率{{ execution_rate }}{{ execution_note }}。"
          "亮红灯项目{{ red }}个、黄灯{{ yellow }}个、绿灯{{ green }}个。"),
    ("p", "执行率口径：{{ execution_rate_definition }}。"),
    ("figure", "lights_chart", "图1　各部门项目红黄绿灯情况"),
    ("h1", "二、各部门监控情况"),
    _table("departments", "d", [("序号", "index", 6), ("主管部门", "department", 20),
                                ("报送状态", "submission", 10),
                                ("项目数", "projects", 8), ("预算（万元）", "budget", 14),
                                ("执行（万元）", "executed", 14), ("执行率", "execution_rate", 10),
                                ("红灯", "red", 8), ("黄灯", "yellow", 9), ("绿灯", "green", 9)]),
    ("if", "unreported_note"),
    ("p", "{{ unreported_note }}"),
    ("endif",),
    ("h1", "三、亮红灯项目"),
    _table("red_projects", "r", [("序号", "index", 6), ("主管部门", "department", 20),
                                 ("项目名称", "name", 26), ("执行率", "execution_rate", 12),
                                 ("偏差原因", "reason", 36)]),
    ("h1", "四、未按时报送监控资料的部门"),
    ("p", "{{ missing_departments }}"),
    ("if", "missing_note"),
    ("p", "{{ missing_note }}"),
    ("endif",),
    ("h1", "五、工作要求"),
    ("p", "各部门要对亮红灯、黄灯的项目逐项分析原因，制定整改措施，加快预算执行，确保绩效目标如期实现，"
          "并于{{ deadline }}前将整改情况报送我局。对整改不到位的项目，我局将视情况暂缓或停止拨款，"
          "并在年中预算调整和下年度预算安排中予以考虑。"),
    *closing(),
]}

SPECS["rectify-notice"] = {"title": "整改情况通报", "blocks": [
    *banner(),
    ("title", "关于{{ year }}年度预算绩效管理问题整改情况的通报"),
    ("addressee", "各预算部门（单位）："),
    ("p", "我局在绩效目标审核、绩效运行监控和绩效评价中发现的问题，已通过审核意见书、反馈书送达"
          "{{ department_count }}个部门限期整改，并对整改情况进行了跟踪和复核。截至{{ as_of }}，"
          "共下发问题{{ issued }}个，已回复{{ replied }}个，经复核已整改{{ closed }}个（整改率"
          "{{ closed_rate }}），尚未销号{{ open }}个，其中逾期未整改{{ overdue }}个。现将有关情况通报如下。"),
    ("h1", "一、各环节问题整改情况"),
    _table("stages", "s", [("序号", "index", 6), ("来源环节", "stage", 20), ("下发问题", "issued", 14),
                           ("已整改（已核实）", "closed", 20), ("逾期未整改", "overdue", 18),
                           ("整改率", "rate", 14)]),
    ("h1", "二、各部门整改情况"),
    _table("departments", "d", [("序号", "index", 6), ("主管部门", "department", 20),
                                ("下发", "issued", 9), ("已回复", "replied", 10),
                                ("已整改", "closed", 10), ("未销号", "open", 10),
                                ("逾期", "overdue", 9), ("需人工核实", "manual", 12),
                                ("整改率", "rate", 12)]),
    ("if", "manual_note"),
    ("p", "{{ manual_note }}"),
    ("endif",),
    ("figure", "rectify_chart", "图1　各部门问题整改情况"),
    ("h1", "三、逾期未整改问题"),
    ("p", "{{ overdue_note }}"),
    _table("overdue_items", "o", [("序号", "index", 6), ("主管部门", "department", 16),
                                  ("项目", "project", 20), ("问题", "problem", 34),
                                  ("整改期限", "deadline", 14), ("文号", "doc_number", 14)]),
    ("h1", "四、工作要求"),
    ("p", "请有关部门对尚未销号的问题逐项落实整改，于{{ deadline }}前将整改措施、完成情况和佐证材料"
          "报送我局；逾期未整改的，我局将在预算安排中予以考虑，并视情况进行约谈。"),
    *closing(),
]}

SPECS["sample-notice"] = {"title": "抽评名单通知", "blocks": [
    *banner(),
    ("title", "关于开展{{ year }}年度项目支出绩效评价抽评工作的通知"),
    ("addressee", "各有关部门（单位）："),
    ("p", "根据预算绩效管理工作安排，我局从{{ population }}个项目中抽取{{ sample_size }}个项目"
          "（资金合计{{ amount_total }}万元，涉及{{ department_count }}个部门）开展绩效评价抽评。"
          "抽样方法：{{ method }}；抽样比例：{{ rate }}；必选规则：{{ must_rules }}；随机种子："
          "{{ seed }}（抽样过程可复现）。现将有关事项通知如下。"),
    ("h1", "一、抽评项目名单"),
    _table("projects", "p", [("序号", "index", 6), ("项目编码", "code", 14), ("项目名称", "name", 26),
                             ("主管部门", "department", 18), ("金额（万元）", "amount", 12),
                             ("抽中原因", "reason", 24)]),
    ("h1", "二、各部门抽评项目"),
    _table("departments", "d", [("序号", "index", 6), ("主管部门", "department", 22),
                                ("项目数", "count", 10), ("金额（万元）", "amount", 14),
                                ("项目", "projects", 48)]),
    ("h1", "三、需准备的材料"),
    ("p", "请被抽评项目的主管部门组织项目单位准备以下材料："),
    ("loop_p", "m", "materials", "{{ m }}"),
    ("h1", "四、时间要求"),
    ("p", "请于{{ deadline }}前将上述材料报送我局。"),
    *closing(),
]}

SPECS["score-feedback"] = {"title": "绩效评价结果反馈书", "blocks": [
    *banner(),
    ("title", "关于“{{ project }}”绩效评价结果的反馈意见"),
    ("addressee", "{{ department }}："),
    ("p", "我局对你单位“{{ project }}”项目开展了{{ evaluation_mode }}。现将评价结果反馈如下。"),
    ("h1", "一、评价结果"),
    ("kv", [("项目名称", "project"), ("项目编码", "project_code"), ("实施单位", "unit"),
            ("评价方式", "evaluation_mode"), ("自评得分", "self_score"), ("复核得分", "total"),
            ("自评与复核分差", "difference"), ("预算执行率得分", "execution_score"),
            ("预算执行率", "execution_rate"), ("评价等级", "grade")]),
    ("h1", "二、存在的主要问题"),
    _table("problems", "q", [("序号", "index", 8), ("问题", "message", 52), ("整改建议", "hint", 40)]),
    ("h1", "三、整改要求"),
    ("p", "{{ rectification }}"),  # measures by the deadline, or that none are asked for
    ("h1", "四、结果应用"),
    ("p", "{{ application }}。以上为结果应用建议，最终以预算批复为准。"),
    *closing(),
]}

SPECS["score-notice"] = {"title": "评价结果通报", "blocks": [
    *banner(),
    ("title", "关于{{ year }}年度项目支出绩效评价结果的通报"),
    ("addressee", "各预算部门（单位）："),
    ("p", "我局对{{ project_count }}个项目的绩效评价结果进行了复核，平均得分{{ average_score }}分，"
          "评价等级：{{ grade_summary }}。现将有关情况通报如下。"),
    ("h1", "一、评价等级分布"),
    _table("grades", "g", [("等级", "grade", 30), ("项目数", "count", 35), ("占比", "share", 35)]),
    ("figure", "grade_chart", "图1　评价等级分布"),
    ("h1", "二、项目评价结果"),
    _table("projects", "p", [("序号", "index", 6), ("主管部门", "department", 18),
                             ("项目名称", "name", 24), ("类型", "evaluation_type", 10),
                             ("自评得分", "self_score", 12),
                             ("复核得分", "total", 12), ("分差", "difference", 10),
                             ("等级", "grade", 12)]),
    ("figure", "score_chart", "图2　自评得分与复核得分对比"),
    ("h1", "三、自评得分高于复核得分的项目"),
    ("p", "共{{ inflated_count }}个项目自评得分高于复核得分，按分差从大到小列示："),
    _table("inflated", "r", [("序号", "index", 6), ("主管部门", "department", 22),
                             ("项目名称", "name", 32), ("自评得分", "self_score", 13),
                             ("复核得分", "total", 13), ("分差", "difference", 14)]),
    ("h1", "四、结果应用建议"),
    _table("applications", "a", [("等级", "grade", 15), ("下年度预算安排建议", "text", 85)]),
    ("h1", "五、有关要求"),
    ("p", "各项目的绩效评价结果反馈书在评价结果确定后{{ feedback_days }}日内送达相关部门。各部门要对"
          "评价发现的问题认真整改，于{{ deadline }}前报送整改情况，并将评价结果作为完善政策、改进管理和"
          "安排以后年度预算的重要依据。"),
    *closing(),
]}

_REPORT_BLOCKS = [
    ("title", "{{ project }}绩效评价报告"),
    ("center", "评价单位：{{ issuer }}　　报告日期：{{ date }}"),
]


def _report_blocks():
    from pbm.reports.score_docs import REPORT_SECTIONS

    blocks = list(_REPORT_BLOCKS)
    for heading, body in REPORT_SECTIONS:
        blocks.append(("h1", heading))
        if heading.startswith("三、"):
            blocks.append(("p", "{{ conclusion }}"))
            blocks.append(("h2", "（一）评分表"))
            blocks.append(_table("indicators", "i", [
                ("一级指标", "level1", 10), ("二级指标", "level2", 12), ("三级指标", "level3", 18),
                ("分值", "weight", 8), ("得分", "score", 8), ("扣分", "deducted", 8),
                ("扣分原因", "reason", 36)]))
            blocks.append(("h2", "（二）资金表"))
            blocks.append(("kv", [("预算数（万元）", "budget"), ("执行数（万元）", "executed"),
                                  ("预算执行率", "execution_rate"),
                                  ("预算执行率得分", "execution_score"),
                                  ("综合得分", "total"), ("评价等级", "grade")]))
            continue
        for line in body.split("\n"):
            blocks.append(("p", line))
    return blocks


SPECS["evaluation-report"] = {"title": "绩效评价报告", "blocks": None}  # filled lazily


# --------------------------------------------------------------------------- Word parts

def _rpr(east_asia: str, size_half_points: int, *, latin: str = LATIN, bold: bool = False,
         colour: str | None = None, spacing: int | None = None) -> str:
    parts = [f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
             f'w:cs="{latin}"/>']
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if colour:
        parts.append(f'<w:color w:val="{colour}"/>')
    if spacing:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    parts.append(f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def _pstyle(style_id: str, name: str, ppr: str, rpr: str, *, default: bool = False,
            next_style: str = "Normal", outline: int | None = None) -> str:
    outline_xml = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    default_xml = ' w:default="1"' if default else ""
    return (f'<w:style w:type="paragraph"{default_xml} '
            f'w:styleId="{style_id}"><w:name w:val="{name}"/>'
            + ("" if default else '<w:basedOn w:val="Normal"/>')
            + f'<w:next w:val="{next_style}"/><w:qFormat/>'
            f"<w:pPr>{ppr}{outline_xml}</w:pPr>{rpr}</w:style>")


BODY_LINE = '<w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/>'
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
SIGN_INDENT = '<w:ind w:right="1134" w:firstLineChars="0" w:firstLine="0"/>'
SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
# 与下段同页 + 段中不分页; w:pPr children in schema order, so these come first.
KEEP_WITH_NEXT = '<w:keepNext/><w:keepLines/>'


def styles_xml() -> str:
    styles = [
        _pstyle("Normal", "Normal",
                '<w:widowControl/><w:snapToGrid w:val="0"/>' + BODY_LINE
                + '<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/>',
                _rpr(FANGSONG, 32), default=True),
        _pstyle("Title", "Title",
                '<w:spacing w:before="0" w:after="560" w:line="700" w:lineRule="exact"/>'
                + NO_INDENT + '<w:jc w:val="center"/>', _rpr(XIAOBIAOSONG, 44)),
        _pstyle("Heading1", "heading 1", '<w:keepNext/>' + BODY_LINE, _rpr(HEITI, 32), outline=0),
        _pstyle("Heading2", "heading 2", '<w:keepNext/>' + BODY_LINE, _rpr(KAITI, 32), outline=1),
        _pstyle("Banner", "版头",
                '<w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>'
                + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(XIAOBIAOSONG, 52, colour="FF0000", spacing=20)),
        _pstyle("DocNumber", "发文字号",
                '<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="8" w:color="FF0000"/></w:pBdr>'
                + '<w:spacing w:before="0" w:after="560" w:line="560" w:lineRule="exact"/>'
                + NO_INDENT + '<w:jc w:val="center"/>', _rpr(FANGSONG, 32)),
        _pstyle("Addressee", "主送机关", BODY_LINE + NO_INDENT, _rpr(FANGSONG, 32)),
        # 发文机关署名 and 成文日期 stay together, and with the last lines of the text
        # (GB/T 9704-2012 7.3.5: they never stand on a page of their own).  One w:ind each.
        _pstyle("Signature", "署名", KEEP_WITH_NEXT + BODY_LINE + SIGN_INDENT
                + '<w:jc w:val="right"/>', _rpr(FANGSONG, 32), next_style="DocDate"),
        _pstyle("DocDate", "成文日期", '<w:keepLines/>' + BODY_LINE + SIGN_INDENT
                + '<w:jc w:val="right"/>', _rpr(FANGSONG, 32)),
        _pstyle("Centered", "居中", BODY_LINE + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(KAITI, 32)),
        _pstyle("TableText", "表格文字", SINGLE + NO_INDENT + '<w:jc w:val="left"/>',
                _rpr(FANGSONG, 21)),
        _pstyle("TableHeading", "表头", SINGLE + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(HEITI, 21)),
        # A figure keeps with its caption below it (图题, Word's built-in caption style); a
        # table caption (表题) sits above its table and keeps with it.
        _pstyle("Figure", "图片", KEEP_WITH_NEXT + '<w:spacing w:before="120" w:after="0" '
                'w:line="240" w:lineRule="auto"/>' + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(FANGSONG, 21), next_style="Caption"),
        _pstyle("Caption", "caption", '<w:keepLines/><w:spacing w:before="60" w:after="120" '
                'w:line="240" w:lineRule="auto"/>' + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(KAITI, 24)),
        _pstyle("TableCaption", "表题", KEEP_WITH_NEXT + '<w:spacing w:before="120" '
                'w:after="60" w:line="240" w:lineRule="auto"/>' + NO_INDENT
                + '<w:jc w:val="center"/>', _rpr(HEITI, 24)),
        _pstyle("Footer", "footer", SINGLE + NO_INDENT + '<w:jc w:val="center"/>',
                _rpr(SONGTI, 28)),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        '</w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        '</w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" '
        'w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:semiHidden/></w:style>',
    ]
    defaults = ('<w:docDefaults><w:rPrDefault>'
                + _rpr(FANGSONG, 32).replace("</w:rPr>", '<w:kern w:val="2"/><w:lang w:val="en-US" '
                                                          'w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')
                + '</w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr>'
                '</w:pPrDefault></w:docDefaults>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:styles xmlns:w="{W_NS}">{defaults}{"".join(styles)}</w:styles>')


def font_table_xml() -> str:
    # altName lets Word and WPS fall back to the fonts every Chinese Windows has.
    fonts = [(LATIN, None, "roman"), (FANGSONG, "仿宋", "modern"), (HEITI, "SimHei", "modern"),
             (KAITI, "楷体", "modern"), (XIAOBIAOSONG, "宋体", "script"), (SONGTI, "SimSun", "auto")]
    body = "".join(
        f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
        + ('<w:charset w:val="86"/>' if alt else '<w:charset w:val="00"/>')
        + f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt, family in fonts)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts xmlns:w="{W_NS}">{body}</w:fonts>')


def settings_xml() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:settings xmlns:w="{W_NS}"><w:defaultTabStop w:val="420"/>'
            '<w:evenAndOddHeaders w:val="0"/><w:drawingGridVerticalSpacing w:val="156"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def core_xml(title: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{title}</dc:title><dc:creator>pbm</dc:creator>"
            "<cp:lastModifiedBy>pbm</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:modified>'
            "</cp:coreProperties>")


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
           'properties"><Application>pbm</Application></Properties>')


# --------------------------------------------------------------------------- Word body

def build_docx(kind: str, spec: dict) -> bytes:
    from docx import Document
    from docx.oxml import parse_xml
    from docx.shared import Mm

    document = Document()
    _install_styles(document)
    body = document.element.body
    for child in list(body):
        if child.tag != f"{{{W_NS}}}sectPr":
            body.remove(child)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["footer"]
    footer._p.append(parse_xml(
        f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve">— </w:t></w:r>'))
    for fragment in ('<w:r xmlns:w="{ns}"><w:fldChar w:fldCharType="begin"/></w:r>',
                     '<w:r xmlns:w="{ns}"><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
                     '<w:r xmlns:w="{ns}"><w:fldChar w:fldCharType="separate"/></w:r>',
                     '<w:r xmlns:w="{ns}"><w:t>1</w:t></w:r>',
                     '<w:r xmlns:w="{ns}"><w:fldChar w:fldCharType="end"/></w:r>',
                     '<w:r xmlns:w="{ns}"><w:t xml:space="preserve"> —</w:t></w:r>'):
        footer._p.append(parse_xml(fragment.format(ns=W_NS)))

    for block, following in zip(spec["blocks"], [*spec["blocks"][1:], ("end",)]):
        _add_block(document, block)
        if block[0] == "p" and following[0] in ("table", "kv"):
            _keep_with_next(_last_paragraph(document))  # “…列示如下：” stays with its table
    buffer = io.BytesIO()
    document.save(buffer)
    return _slim(buffer.getvalue(), spec["title"])


def _install_styles(document) -> None:
    """Swap python-docx's 430 KB default styles for the dozen this template uses."""
    from docx.oxml import parse_xml

    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    for child in parse_xml(styles_xml().split("\n", 1)[1].encode("utf-8")):
        styles.append(child)


def _paragraph(document, text: str, style: str):
    paragraph = document.add_paragraph(style=document.styles[style])
    if text:
        paragraph.add_run(text)  # one run per paragraph: no tag can be split
    return paragraph


def _last_paragraph(document):
    """The body's last element when it is a paragraph of text (not a table, not a ``{%p %}``
    line that rendering removes), else None."""
    from docx.text.paragraph import Paragraph

    children = [c for c in document.element.body if c.tag != f"{{{W_NS}}}sectPr"]
    if not children or children[-1].tag != f"{{{W_NS}}}p":
        return None
    paragraph = Paragraph(children[-1], document._body)
    return None if paragraph.text.startswith("{%p") else paragraph


def _last_text_paragraphs(document) -> list:
    """Every paragraph that can come out as the last of the text once docxtpl has dropped its
    ``{%p %}`` lines: the end of each branch of a trailing ``if``/``else``, and the paragraph
    before an ``if`` without ``else`` (the block may render nothing).  Not a loop's paragraph:
    what it keeps, every item would keep."""
    from docx.text.paragraph import Paragraph

    found, open_ = [], True  # open_: the paragraph met next (walking up) can be the last
    # per {%p if/for %} block entered from its end: [endif|endfor, has an else, open_ after it]
    blocks: list[list] = []
    for child in reversed([c for c in document.element.body if c.tag != f"{{{W_NS}}}sectPr"]):
        text = Paragraph(child, document._body).text if child.tag == f"{{{W_NS}}}p" else None
        if text is not None and text.startswith("{%p"):
            word = (text.removeprefix("{%p").split() or [""])[0]
            if word in ("endif", "endfor"):
                blocks.append([word, False, open_])
            elif word in ("else", "elif") and blocks:
                blocks[-1][1], open_ = True, blocks[-1][2]
            elif word in ("if", "for") and blocks:
                _, has_else, after = blocks.pop()
                open_ = after and not has_else  # an if with an else always renders a branch
            continue
        if open_ and text is not None and not any(b[0] == "endfor" for b in blocks):
            found.append(Paragraph(child, document._body))
        open_ = False
        if not blocks:
            break
    return found

def _keep_with_next(paragraph) -> None:
    """与下段同页 on one paragraph (direct formatting: its style is the body text's)."""
    if paragraph is not None:
        paragraph.paragraph_format.keep_with_next = True


def _add_block(document, block) -> None:
    kind = block[0]
    if kind == "banner":
        _paragraph(document, "{{ issuer }}", "版头")
        _paragraph(document, "{{ doc_number }}", "发文字号")
    elif kind == "title":
        _paragraph(document, block[1], "Title")
    elif kind == "center":
        _paragraph(document, block[1], "居中")
    elif kind == "addressee":
        _paragraph(document, block[1], "主送机关")
    elif kind == "p":
        for line in block[1].split("\n"):
            _paragraph(document, line, "Normal")
    elif kind == "h1":
        _paragraph(document, block[1], "heading 1")
    elif kind == "h2":
        _paragraph(document, block[1], "heading 2")
    elif kind == "loop_p":
        _, var, items, text = block
        _paragraph(document, f"{{%p for {var} in {items} %}}", "Normal")
        _paragraph(document, text, "Normal")
        _paragraph(document, "{%p endfor %}", "Normal")
    elif kind in ("if", "else", "endif"):
        # ("if", "has_problems") … ("else",) … ("endif",): docxtpl drops these paragraphs
        _paragraph(document, f"{{%p if {block[1]} %}}" if kind == "if" else f"{{%p {kind} %}}",
                   "Normal")
    elif kind == "figure":
        _, key, caption = block
        _paragraph(document, f"{{%p if {key} %}}", "图片")
        _paragraph(document, f"{{{{ {key} }}}}", "图片")
        _paragraph(document, caption, "caption")
        _paragraph(document, "{%p endif %}", "图片")
    elif kind == "table":
        _, var, items, columns = block
        _loop_table(document, var, items, columns)
    elif kind == "kv":
        _kv_table(document, block[1])
    elif kind == "contact":
        for paragraph in _last_text_paragraphs(document):
            _keep_with_next(paragraph)  # the text's last lines go with the closing
        _keep_with_next(_paragraph(document, "联系人：{{ contact }}　　联系电话：{{ phone }}",
                                   "Normal"))
    elif kind == "sign":
        _paragraph(document, "", "署名")  # the blank line above 署名 (GB/T 9704-2012 7.3.5.2)
        _paragraph(document, "{{ issuer }}", "署名")
        _paragraph(document, "{{ date }}", "成文日期")
    else:
        raise ValueError(kind)


def _widths(weights: list[int]) -> list[int]:
    total = sum(weights)
    widths = [TEXT_WIDTH_TWIPS * w // total for w in weights]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    return widths


def _new_table(document, rows: int, widths: list[int]):
    from docx.oxml import parse_xml
    from docx.shared import Twips

    table = document.add_table(rows=rows, cols=len(widths))
    table.style = document.styles["Table Grid"]
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(f"{{{W_NS}}}tblW"):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblW xmlns:w="{W_NS}" w:w="5000" w:type="pct"/>'))
    for index, width in enumerate(widths):
        table.columns[index].width = Twips(width)
        for cell in table.columns[index].cells:
            cell.width = Twips(width)
    return table


def _cell_text(cell, text: str, style) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    if text:
        paragraph.add_run(text)


def _loop_table(document, var: str, items: str, columns: list[tuple[str, str, int]]) -> None:
    """Header row, then ``{%tr for %}`` / one data row / ``{%tr endfor %}``: docxtpl repeats
    the data row once per item (one flat loop per table, as docxtpl's maintainer advises)."""
    from docx.oxml import parse_xml

    table = _new_table(document, 4, _widths([c[2] for c in columns]))
    heading, text = document.styles["表头"], document.styles["表格文字"]
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader xmlns:w="{W_NS}"/>'))
    for cell, (title, _, _) in zip(header.cells, columns):
        _cell_text(cell, title, heading)
    _cell_text(table.rows[1].cells[0], f"{{%tr for {var} in {items} %}}", text)
    for cell, (_, field, _) in zip(table.rows[2].cells, columns):
        _cell_text(cell, f"{{{{ {var}.{field} }}}}", text)
    table.rows[2]._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit xmlns:w="{W_NS}"/>'))
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", text)


def _kv_table(document, pairs: list[tuple[str, str]]) -> None:
    table = _new_table(document, len(pairs), _widths([30, 70]))
    heading, text = document.styles["表头"], document.styles["表格文字"]
    for row, (label, key) in zip(table.rows, pairs):
        _cell_text(row.cells[0], label, heading)
        _cell_text(row.cells[1], f"{{{{ {key} }}}}", text)


# --------------------------------------------------------------------------- zip clean-up

_DROP_RELS = ("stylesWithEffects", "webSettings", "customXml", "theme", "numbering", "thumbnail")


def _slim(docx: bytes, title: str) -> bytes:
    """Rewrite the package: only the parts used, our own styles/fonts/settings/properties,
    fixed timestamps (reproducible builds)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    parts: dict[str, bytes] = {}
    for name in source.namelist():
        parts[name] = source.read(name)

    def keep_rels(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        return re.sub(r"<Relationship [^>]*?Type=\"[^\"]*/(%s)\"[^>]*/>" % "|".join(_DROP_RELS),
                      "", text).encode("utf-8")

    parts["word/_rels/document.xml.rels"] = keep_rels(parts["word/_rels/document.xml.rels"])
    parts["_rels/.rels"] = keep_rels(parts["_rels/.rels"])
    parts["word/styles.xml"] = styles_xml().encode("utf-8")
    parts["word/fontTable.xml"] = font_table_xml().encode("utf-8")
    parts["word/settings.xml"] = settings_xml().encode("utf-8")
    parts["docProps/core.xml"] = core_xml(title).encode("utf-8")
    parts["docProps/app.xml"] = APP_XML.encode("utf-8")
    # Keep what the package relationships reach, following .rels files from the root only.
    referenced = {"[Content_Types].xml"}
    queue = ["_rels/.rels"]
    while queue:
        rels_name = queue.pop()
        if rels_name in referenced or rels_name not in parts:
            continue
        referenced.add(rels_name)
        owner = rels_name.replace("_rels/", "").removesuffix(".rels")
        folder = owner.rsplit("/", 1)[0] + "/" if "/" in owner else ""
        for target in re.findall(r'Target="([^"]+)"', parts[rels_name].decode("utf-8")):
            name = target.lstrip("/") if target.startswith("/") else folder + target
            referenced.add(name)
            head, _, tail = name.rpartition("/")
            queue.append(f"{head}/_rels/{tail}.rels" if head else f"_rels/{tail}.rels")
    kept = {n: b for n, b in parts.items() if n in referenced}
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = re.sub(r'<Override PartName="/([^"]+)"[^>]*/>',
                   lambda m: m.group(0) if m.group(1) in kept else "", types)
    kept["[Content_Types].xml"] = types.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ["[Content_Types].xml"] + sorted(n for n in kept if n != "[Content_Types].xml"):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, kept[name])
    return out.getvalue()


# --------------------------------------------------------------------------- Markdown

def build_markdown(spec: dict) -> str:
    lines: list[str] = [f"{{# pbm template: {spec['title']} — Markdown; values are escaped by pbm -#}}"]
    for block in spec["blocks"]:
        kind = block[0]
        if kind == "banner":
            lines += ["**{{ issuer }}**", "", "{{ doc_number }}", "", "---", ""]
        elif kind == "title":
            lines += [f"# {block[1]}", ""]
        elif kind in ("center", "addressee"):
            lines += [block[1], ""]
        elif kind == "p":
            for line in block[1].split("\n"):
                lines += [line, ""]
        elif kind == "h1":
            lines += [f"## {block[1]}", ""]
        elif kind == "h2":
            lines += [f"### {block[1]}", ""]
        elif kind == "loop_p":
            _, var, items, text = block
            lines += [f"{{% for {var} in {items} -%}}", f"- {text}", "{% endfor %}", ""]
        elif kind in ("if", "else", "endif"):
            lines += [f"{{% if {block[1]} -%}}" if kind == "if" else f"{{% {kind} -%}}"]
        elif kind == "figure":
            _, key, caption = block
            lines += [f"{{% if {key} -%}}", f"![{caption}](<{{{{ {key} }}}}>)", "",
                      "{% endif %}"]
        elif kind == "table":
            _, var, items, columns = block
            lines += ["| " + " | ".join(c[0] for c in columns) + " |",
                      "|" + "|".join(" --- " for _ in columns) + "|",
                      f"{{% for {var} in {items} -%}}",
                      "| " + " | ".join(f"{{{{ {var}.{c[1]} }}}}" for c in columns) + " |",
                      "{% endfor %}"]
        elif kind == "kv":
            lines += ["| 项目 | 内容 |", "| --- | --- |"]
            lines += [f"| {label} | {{{{ {key} }}}} |" for label, key in block[1]]
            lines += [""]
        elif kind == "contact":
            lines += ["联系人：{{ contact }}　　联系电话：{{ phone }}", ""]
        elif kind == "sign":
            lines += ["{{ issuer }}", "", "{{ date }}", ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    SPECS["evaluation-report"]["blocks"] = _report_blocks()
    for kind, spec in SPECS.items():
        docx = build_docx(kind, spec)
        (HERE / f"{kind}.docx").write_bytes(docx)
        (HERE / f"{kind}.md.j2").write_text(build_markdown(spec), encoding="utf-8")
        print(f"{kind}.docx  {len(docx):>6} bytes   {kind}.md.j2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
