"""One CSV format for every export, so that German and English Excel open it alike:
UTF-8 with a byte-order mark, semicolons, every cell quoted, CRLF line ends, and no cell a
spreadsheet would run as a formula (CSV injection: a leading ``=``, ``+``, ``-``, ``@``,
tab or carriage return gets an apostrophe)."""
import csv
import io

from flask import Response

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a cell: numbers stay numbers, ``None`` is empty, formulas are defused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(header, rows):
    """The CSV document (a str starting with the BOM) of ``header`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def csv_download(text, filename):
    """A response that saves ``text`` as ``filename``."""
    return Response(text.encode("utf-8"), headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{filename}"'})
