"""Every CSV export has the one format German and English Excel both open right."""
import csv
import io

from inducci_events.core.spreadsheet import csv_text, safe_cell


def test_bom_semicolons_quotes_crlf_and_no_formulas():
    text = csv_text(["Name", "Anzahl"], [["Jürgen; Müller", 3], ["=HYPERLINK(evil)", -2], [None, "-1 note"]])
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    assert text.splitlines()[0] == '\ufeff"Name";"Anzahl"'
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["Name", "Anzahl"], ["Jürgen; Müller", "3"], ["'=HYPERLINK(evil)", "-2"], ["", "'-1 note"]]


def test_numbers_stay_numbers_and_text_that_starts_like_a_formula_is_defused():
    assert safe_cell(-2) == -2 and safe_cell(2.5) == 2.5
    assert [safe_cell(v) for v in ("+1", "@a", "\tx", "ok", True)] == ["'+1", "'@a", "'\tx", "ok", "True"]
