from __future__ import annotations

import pytest

from services import materials, standard

PDF = b"%PDF-1.7\n"


def test_accepts_matching_extension_and_content():
    assert materials.check_file(name="a.PDF", size=100, head=PDF, formats=["pdf"]).format == "pdf"
    assert materials.check_file(name="a.jpeg", size=100, head=b"\xff\xd8\xff\xe0", formats=["jpg"]).format == "jpg"


@pytest.mark.parametrize("name, size, head, formats, code", [
    ("a.exe", 100, b"MZ", ["pdf"], "file_type"),
    ("a.pdf", 100, b"MZ\x90\x00", ["pdf"], "file_content"),       # a renamed executable
    ("a.png", 100, PDF, ["png"], "file_content"),                  # a PDF named .png
    ("a.png", 100, b"\x89PNG\r\n\x1a\n", ["pdf"], "file_type"),    # a real PNG where only PDF is allowed
    ("a.pdf", 0, b"", ["pdf"], "empty_file"),
    ("a.pdf", materials.DEFAULT_MAX_BYTES + 1, PDF, ["pdf"], "file_too_large"),
    ("noext", 100, PDF, ["pdf"], "file_type"),
])
def test_refusals(name, size, head, formats, code):
    with pytest.raises(materials.MaterialError) as exc:
        materials.check_file(name=name, size=size, head=head, formats=formats, label="身份证")
    assert exc.value.code == code
    assert "身份证" in exc.value.message


def test_missing_mandatory_lists_all_in_order():
    spec = [{"key": "a", "mandatory": True}, {"key": "b", "mandatory": False}, {"key": "c", "mandatory": True}]
    assert [m["key"] for m in materials.missing_mandatory(spec, [])] == ["a", "c"]
    assert materials.missing_mandatory(spec, ["a", "c"]) == []


def test_standard_validation_reports_every_problem():
    errors = standard.validate({"name": "", "materials": [{"key": "A b", "name": "", "formats": ["exe"]}], "steps": [], "time_limit_days": 0, "channels": ["fax"]})
    assert set(errors) == {"name", "materials", "steps", "acceptance_criteria", "time_limit_days", "channels"}
    assert len(errors["materials"]) == 4  # key, name, mandatory, formats
