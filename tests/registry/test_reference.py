from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import selectors
from registry.models import Discipline, Division, DivisionGroup, Industry, Occupation
from registry.reference import load_reference


def test_reference_counts_and_idempotence(reference):
    before = (Division.objects.count(), Industry.objects.count(), Discipline.objects.count(), Occupation.objects.count())
    assert before == (215, 1971, 2916, 2176)
    load_reference()  # twice: nothing duplicated
    assert (Division.objects.count(), Industry.objects.count(), Discipline.objects.count(), Occupation.objects.count()) == before


def test_division_tree_descendants_of_baoding_in_one_query(reference):
    with CaptureQueriesContext(connection) as ctx:
        codes = set(Division.objects.descendants_of("130600").values_list("code", flat=True))
    assert len(ctx.captured_queries) == 2  # the node's path, then one indexed prefix query
    assert {"130600", "130629", "130632", "130638"} <= codes
    assert all(c.startswith("1306") for c in codes)
    assert "130100" not in codes


def test_xiongan_is_a_group_of_three_counties(reference):
    group = DivisionGroup.objects.get(slug="xiongan")
    assert set(group.members.values_list("code", flat=True)) == {"130629", "130632", "130638"}
    assert set(selectors.division_codes_within("xiongan")) == {"130629", "130632", "130638"}


def test_industry_class_knows_its_section(reference):
    cls = Industry.objects.get(code="3973")
    assert cls.level == "class" and cls.section == "C"
    chain = list(Industry.objects.ancestors_of("3973").order_by("depth").values_list("code", flat=True))
    assert chain == ["C", "39", "397", "3973"]


def test_coordinates_loaded(reference):
    baoding = Division.objects.get(code="130600")
    assert 115 < baoding.lng < 116 and 38 < baoding.lat < 39.5
    assert baoding.region == "13"
