"""Exports of the graph: a self-contained interactive HTML page."""

from kg.export.html import ExportOptions, ExportReport, export_html, render_html

__all__ = ["ExportOptions", "ExportReport", "export_html", "render_html"]
