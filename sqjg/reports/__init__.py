"""Rendering the reports of sqjg.report, one file per concern so a new section or format
touches one file:

- document   the Document model (sections of tables, lines, charts) and cell formatting
- monthly    the monthly report laid out as a Document; daily: the morning report
- text       plain text (the cron mail) and rich on a terminal
- markdown   Markdown
- htmlpage   one self-contained printable HTML page with SVG charts
- exports    CSV and JSON from the report dicts, a document as an xlsx workbook
- atomic     writing an output file atomically

Nothing is imported here: a command loads only the modules of the format it writes.
"""
