"""pbm — 预算绩效管理 (budget performance management) on spreadsheet workbooks."""

__version__ = "0.1.0"
