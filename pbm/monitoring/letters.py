"""What a department's 绩效监控情况反馈书 says of each finding of ``pbm monitor``.

A finding's own text is written for the bureau, which reads it in monitor-<period>.xlsx: it
says how pbm lit a blank (执行灯按执行数 0 判定), which command to run, whom to call to chase a
missing submission (请联系 … 催报).  The letter tells the department what is wrong in its own
table and what to do: a ``LETTER-<code>`` catalogue entry, filled from the finding's params,
else the finding's own text (most say it plainly already).  The findings about the bureau's
own inputs or work — a department that sent nothing, a blank template in the folder, the
goals or roster pbm read — go to no letter: a department that did not submit gets a
催报通知 (monitor-reminder) instead.
"""

from __future__ import annotations

from pbm.findings import Finding, catalogue

#: Findings that are the bureau's to act on, never a department's problem.
BUREAU_ONLY = frozenset({
    "M-MISSING-DEPT",        # → the department's 催报通知; whom to call stays in 汇总/问题
    "M-BLANK-TEMPLATE",      # a blank form is no submission: the department is 未报送
    "M-NO-GOALS", "M-NO-ROSTER", "M-GOALS-FILE-SKIPPED",
    "M-NO-FILES", "M-NOTHING-READABLE", "M-LEDGER-UNBALANCED",
})


def letter_text(finding: Finding, lang: str = "zh") -> tuple[str, str] | None:
    """(问题说明, 整改建议) for the department's letter, or None when no letter shows it
    (a 提示, or one of :data:`BUREAU_ONLY`)."""
    if finding.severity == "info" or finding.code in BUREAU_ONLY or not finding.file:
        return None
    code = f"LETTER-{finding.code}"
    entries = catalogue()
    if code not in entries:
        return finding.message(lang), finding.hint(lang)
    letter = Finding(code, params=dict(finding.params), value=finding.value)
    own_hint = f"hint_{lang}" in entries[code] or "hint_zh" in entries[code]
    return letter.message(lang), letter.hint(lang) if own_hint else finding.hint(lang)
