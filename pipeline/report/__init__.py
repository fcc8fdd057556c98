"""The marketer's report: one self-contained HTML page (see render.py), built by the asset in
assets.py. ``render_report(con, lang)`` is the entry point for plain Python."""

from pipeline.report.render import SECTIONS, Report, build_report, render_report

__all__ = ["SECTIONS", "Report", "build_report", "render_report"]
