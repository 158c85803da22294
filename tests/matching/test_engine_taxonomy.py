"""Reference trees, the tokenizer's dictionary, and the shared enumerations."""
from matching.engine import MODE_CODES, mode_codes, mode_mask
from matching.engine.records import DEMAND_KINDS
from matching.engine.text import tokenizer_for


def test_paths(tax):
    assert tax.industry_path("3973") == ["C", "39", "397", "3973"]
    assert tax.industry_path("39") == ["C", "39"]
    assert tax.industry_path("C") == ["C"]
    assert tax.discipline_path("F040602") == ["F", "F04", "F0406", "F040602"]
    assert tax.occupation_path("2-02-38-09") == ["2", "2-02", "2-02-38", "2-02-38-09"]


def test_prefectures(tax):
    assert tax.prefecture_of("130638") == "130600"      # 雄县 -> 保定
    assert tax.prefecture_of("110108") == "110100"
    assert tax.prefecture_of("110000") == "110100"
    assert tax.prefecture_of("130000") == ""
    assert len(tax.hebei_prefectures()) == 11
    assert tax.division_name("130629") == "保定市容城县"


def test_dictionary_from_taxonomy_names(tax):
    terms = set(tax.dictionary_terms())
    assert {"集成电路", "集成电路制造", "新能源汽车"} <= terms
    tok = tokenizer_for(tax)
    assert "新能源汽车" in tok.tokens("新能源汽车产业链")
    assert "集成电路" in tok.tokens("集成电路设计")
    assert "的" not in tok.tokens("集成电路的设计")
    assert "5g" in tok.tokens("5G通信基站")


def test_modes_order_matches_registry():
    from registry import domain
    assert MODE_CODES == domain.SHARING_MODE_CODES
    assert mode_codes(mode_mask(["remote", "part_time"])) == ["part_time", "remote"]


def test_demand_kinds_match_registry():
    from registry import domain
    assert DEMAND_KINDS == tuple(code for code, _, _ in domain.DEMAND_KINDS)


def test_engine_core_imports_no_django():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; import matching.engine, matching.engine.synthetic, matching.lifecycle, matching.panels; "
            "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], check=True)
