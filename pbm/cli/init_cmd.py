"""``pbm init [DIR]`` — create a workspace folder with pbm.toml commented line by line."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

PBM_TOML = """\
# pbm.toml — 预算绩效管理工作区配置 (workspace configuration)
# 每一项都可省略：省略时取 preset 指定的规则预设（默认 national-2020，即全国通行做法）。
# Every key is optional; omitted keys come from the preset (national-2020 by default).
# 以 # 开头的配置行由预设决定；取消注释即可覆盖预设。Commented keys follow the preset; uncomment to override.
# 查看生效配置及来源 / see the effective values and where they come from:  pbm config

# 规则预设：national-2020（全国）| provincial-exec20（预算执行率 20 分的省级口径）| points-monitor（偏差点数亮灯）
preset = "national-2020"

[workspace]
year = {year}                    # 预算年度 budget year
locality = "{locality}"          # 地区名称，用于文书抬头 locality shown in documents
lang = "zh"                      # 输出文书语言 language of messages (zh|en)

[limits]
max_file_mb = 100                # 单个工作簿大小上限（MB），超过拒绝读取 refuse larger files
max_uncompressed_mb = 1000       # 解压后大小上限，防压缩炸弹 zip-bomb guard
max_zip_ratio = 200              # 压缩比上限 zip-bomb guard
header_search_rows = 15          # 清单式表头所在的最大行号 list header within rows 1..N
annotate_max_cells = 1000000     # 批注副本（--annotate）单元格数上限 cells an annotated copy may hold

[goals]                          # 绩效目标审核 pbm validate
# indicator_weight_total = 90    # 三级指标权重合计（由预设决定：全国 90，provincial-exec20 为 80）
# execution_weight = 10          # 预算执行率分值（由预设决定：全国 10，合计 100）
prior_assessment_amount = 200    # 新增项目达到该金额（万元）须开展事前绩效评估
min_indicators = 3               # 三级指标最少个数 (G9)
quantitative_share = 0.6         # 量化指标最低占比 (G10)
name_max_length = 100            # 三级指标名称最长字数 (G1)
require_satisfaction = true      # 要求设置满意度指标 (G8)
indicator_schema = "2020"        # "2020"：成本指标在产出指标下；"2021"：成本指标为一级指标

[goals.review]                   # 审核等级：优/良/中/差
excellent_max_warnings = 1       # 优：无错误且警告不超过 1 个；良：无错误
fair_max_errors = 3              # 中：错误 1–3 个；差：错误更多或有阻断性问题

[monitor]                        # 运行监控 pbm monitor
# rule = "ratio"                 # 由预设决定。ratio：执行率/序时进度×100；points：落后序时进度的百分点
period_month = 9                 # 未指定 --period 且文件夹名不含季度时使用的月份
ratio_red_below = 60             # 比值 < 60 红灯
ratio_yellow_below = 80          # 60 ≤ 比值 < 80 黄灯；≥ 80 绿灯

[sample]                         # 抽评 pbm sample
rate = 0.10                      # 抽取比例（不低于 10%）
min = 0                          # 最少抽取项目数
method = "random"                # random 简单随机 | systematic 系统抽样 | pps 按金额概率
must = ["金额>=500"]             # 必选规则：金额 500 万元及以上项目全部纳入
strata = ["类别"]                # 分层：按下面的金额类别 A/B/C，也可写 ["主管部门"]

[score]                          # 评分与复核 pbm score
# execution_weight = 10          # 预算执行率分值（由预设决定：全国 10，provincial-exec20 为 20）
# reverse_rule = "R1"            # 由预设决定。反向指标计分：R1 比例法 | R2 线性偏离法
tolerance = 0.5                  # 自评分高于复核分超过该分值视为自评虚高

[report]                         # 文书 pbm report
issuer = {issuer}       # 发文机关（文书抬头和署名）
doc_prefix = "财绩"              # 文号前缀，如 财绩〔2026〕1号（全工作区统一编号，见 out/history/文号.csv）
rectification_days = 30          # 整改期限（天）
contact = {contact}                     # 联系人（未填写时 pbm report 给出警告）
phone = {phone}                       # 联系电话
publish_quota = 1.0              # 绩效公开比例目标（pbm report publish）：1.0 = 有自评的项目全部公开
"""

ROSTER_HEADER = ["主管部门编码", "主管部门", "联系人"]


HELP = """创建工作区（pbm.toml、goals/、q1–q4/、self-eval/、out/）。

发文机关、联系人、联系电话写入 pbm.toml 的 [report]，用于每份文书；在终端中运行且未给出时会逐项询问，以后也可在 pbm.toml 中修改。

\b
例：
  pbm init 2026-某区 --year 2026 --locality 某区 --issuer 某区财政局 --contact 张三 --phone 0000-1234567"""


def register(app: typer.Typer) -> None:
    app.command("init", help=HELP)(init)


@common.handle_errors
def init(
    directory: Path = typer.Argument(Path("."), help="工作区文件夹 (created if missing)"),
    year: int = typer.Option(2026, "--year", help="预算年度"),
    locality: str = typer.Option("示例区", "--locality", help="地区名称"),
    issuer: str | None = typer.Option(None, "--issuer", help="发文机关（默认：<地区>财政局）"),
    contact: str | None = typer.Option(None, "--contact", help="文书联系人"),
    phone: str | None = typer.Option(None, "--phone", help="联系电话"),
    force: bool = typer.Option(False, "--force", help="覆盖已有的 pbm.toml"),
    lang: str | None = common.LANG,
) -> None:
    """Create a workspace."""
    from pbm.errors import PbmError
    from pbm.workbook.writer import Sheet, atomic_path, make_folder, write_xlsx

    make_folder(directory)
    config = directory / "pbm.toml"
    if config.exists() and not force:
        raise PbmError("CLI-USAGE", file=str(config),
                       reason=common.t("已存在 pbm.toml；如需覆盖请加 --force",
                                       "pbm.toml exists; use --force to overwrite"))
    for sub in ("goals", "q1", "q2", "q3", "q4", "self-eval", "out", "out/reports",
                "out/history"):
        make_folder(directory / sub)
    issuer, contact, phone = _ask_report_fields(locality, issuer, contact, phone)
    with atomic_path(config) as temp:
        temp.write_text(pbm_toml(year, locality, issuer, contact, phone), encoding="utf-8")
    roster = directory / "roster.xlsx"
    if not roster.exists():
        write_xlsx(roster, [Sheet("名册", ROSTER_HEADER, [])])
    common.stderr_console().print(
        common.t(f"已创建工作区 {directory}（pbm.toml、roster.xlsx、goals/、q1–q4/、self-eval/、out/）",
                 f"workspace created in {directory}"))


def _ask_report_fields(locality: str, issuer: str | None, contact: str | None,
                       phone: str | None) -> tuple[str, str, str]:
    """The issuer and contact of the documents: as given, else asked on a terminal, else the
    defaults (``<地区>财政局``, empty — pbm report then warns)."""
    import sys

    default_issuer = f"{locality}财政局"
    if sys.stdin.isatty() and sys.stderr.isatty():
        if issuer is None:
            issuer = typer.prompt(common.t("发文机关", "issuer"), default=default_issuer)
        if contact is None:
            contact = typer.prompt(common.t("联系人（可留空）", "contact (may be empty)"),
                                   default="", show_default=False)
        if phone is None:
            phone = typer.prompt(common.t("联系电话（可留空）", "phone (may be empty)"),
                                 default="", show_default=False)
    return (issuer or default_issuer).strip(), (contact or "").strip(), (phone or "").strip()


def pbm_toml(year: int, locality: str, issuer: str | None = None, contact: str = "",
             phone: str = "") -> str:
    """The commented pbm.toml of a new workspace (issuer by default ``<地区>财政局``)."""
    return PBM_TOML.format(year=year, locality=_toml_text(locality)[1:-1],
                           issuer=_toml_text(issuer or f"{locality}财政局"),
                           contact=_toml_text(contact), phone=_toml_text(phone))


def _toml_text(value: str) -> str:
    """A TOML basic string of ``value`` (quotes, backslashes and control characters escaped)."""
    import json

    return json.dumps(value, ensure_ascii=False)
