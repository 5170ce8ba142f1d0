"""指标库: the indicators a workspace and earlier years' workspaces hold, built from pbm's own
outputs (the goal lists, monitor and score workbooks), never from department workbooks.

``names`` (the normalised name an indicator is matched by), ``core`` (a bureau's 核心指标库),
``build`` (the library and its history), ``rates`` (指标量化率, 核心指标覆盖率), ``output``
(``out/indicators-<year>.xlsx``) and ``checks`` (what ``pbm validate`` finds with it).
"""
