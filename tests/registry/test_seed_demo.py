"""Demo data: reproducible, valid, consistent with the reference codes; the command is idempotent."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from registry import demo, identifiers, services
from registry.choices import Status
from registry.models import (
    Demand,
    Expert,
    Graduate,
    HighLevelTalent,
    ObjectChange,
    Organisation,
    OrganisationMembership,
    Person,
    User,
)

TODAY = dt.date(2026, 11, 23)


def small(seed=7):
    return demo.generate(experts=60, demands=15, graduates=12, talents=8, seed=seed, today=TODAY)


def test_same_seed_same_region_other_seed_another():
    a, b, c = small(), small(), small(seed=8)
    assert [(p.name, p.id_number, p.mobile) for p in a.persons] == [(p.name, p.id_number, p.mobile) for p in b.persons]
    assert [(o.name, o.credit_code) for o in a.organisations] == [(o.name, o.credit_code) for o in b.organisations]
    assert [(e.industries, e.disciplines, e.served_cities) for e in a.experts] == [(e.industries, e.disciplines, e.served_cities) for e in b.experts]
    assert [d.title for d in a.demands] == [d.title for d in b.demands]
    assert [p.name for p in a.persons] != [p.name for p in c.persons]


def test_the_demo_tables_name_only_codes_of_the_reference_data():
    assert demo.ReferenceCodes().check() == []


def test_generated_identifiers_are_valid_and_unique():
    data = demo.generate(experts=300, demands=60, seed=11, today=TODAY)
    ids = [p.id_number for p in data.persons]
    assert len(set(ids)) == len(ids) and len({p.mobile for p in data.persons}) == len(ids)
    for p in data.persons:
        identifiers.validate_id_number(p.id_number)
        identifiers.validate_mobile(p.mobile)
        assert identifiers.id_number_gender(p.id_number) == p.gender and int(p.id_number[6:10]) == p.birth_year
    for o in data.organisations:
        identifiers.validate_credit_code(o.credit_code)
    assert len({o.credit_code for o in data.organisations}) == len(data.organisations)


def test_profiles_agree_with_their_field_and_region():
    ref = demo.ReferenceCodes()
    data = demo.generate(experts=200, demands=50, seed=5, today=TODAY, ref=ref)
    for e in data.experts:
        f = demo.FIELD_BY_KEY[e.field]
        assert e.home_division[:2] in ("11", "12")
        assert all(any(code in ref.industry_classes[g] for g in f.industry_groups) for code in e.industries)
        assert set(e.disciplines) <= set(f.disciplines)
        assert all(c[:2] == "13" and c.endswith("00") for c in e.served_cities) and (e.serves_all_hebei or e.served_cities)
        assert e.available_until is None or e.available_from is None or e.available_until >= e.available_from
    orgs = {o.key: o for o in data.organisations}
    kinds = {d.kind for d in data.demands}
    assert "open_challenge" in kinds and len(kinds) >= 4
    for d in data.demands:
        assert d.city[:2] == "13" and orgs[d.organisation].division == d.city and d.period_end >= d.period_start
        if d.kind == "open_challenge":
            assert d.challenge_reward and d.challenge_deadline and "揭榜挂帅" in d.title
        if d.status == "published":
            assert orgs[d.organisation].verified
    assert sum(d.status == "published" for d in data.demands) > len(data.demands) / 2
    expert_persons = {e.person for e in data.experts}
    assert 0 < sum(t.person in expert_persons for t in data.talents) < len(data.talents)


def seed(**kw):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **{"experts": 20, "demands": 6, "graduates": 5, "talents": 4, "seed": 3, **kw})
    return out.getvalue()


def counts():
    return tuple(m.objects.count() for m in (Organisation, Person, Expert, Demand, Graduate, HighLevelTalent))


def test_seed_command_loads_a_consistent_region_once(reference, client):
    output = seed()
    assert "jjj-staff-2026" in output  # demo passwords are printed
    first = counts()
    assert first[2:] == (20, 6, 5, 4)
    expected = demo.generate(experts=20, demands=6, graduates=5, talents=4, seed=3)
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(p.name for p in expected.persons)

    from matching.models import IndexChange

    assert IndexChange.objects.filter(kind=IndexChange.Kind.ALL).count() == 1  # no signals fired: matching rebuilds
    again = seed()
    assert "已有演示数据" in again and counts() == first

    assert not Expert.objects.exclude(region="11").exclude(region="12").exists()
    assert not Expert.objects.filter(title_level="senior").exclude(title_rank=4).exists()
    assert not Demand.objects.filter(status=Status.PUBLISHED).exclude(organisation__status=Status.VERIFIED).exists()
    expert = Expert.objects.filter(status=Status.VERIFIED).first()
    services.expert_update(actor=User.objects.get(username="admin"), expert=expert, research_areas=expert.research_areas)  # passes the service's checks
    person = expert.person
    assert person.id_hash and identifiers.validate_id_number(person.id_number)
    assert isinstance(expert.skills, list) and expert.skills and expert.sharing_modes and expert.created_at and expert.updated_at
    assert expert.source == "import" and expert.rating_count == 0 and expert.disciplines.exists() and expert.industries.exists()
    from registry.models import Consent

    assert Consent.objects.filter(person=person, scope="matching", revoked_at=None).exists()
    challenge = Demand.objects.filter(kind="open_challenge").first() or Demand.objects.first()
    assert isinstance(challenge.required_skills, list) and challenge.period_end >= challenge.period_start
    hebei = Organisation.objects.filter(region="13").exclude(contact_phone="").first()
    assert identifiers.validate_mobile(hebei.contact_phone)

    # audit: one summary row per batch, not one per record
    summaries = ObjectChange.objects.filter(message="演示数据批量生成", content_type__model="expert")
    assert summaries.count() == 1 and summaries.get().postchange_data["count"] == 20

    staff_he = User.objects.get(username="staff_he")
    assert staff_he.region == "13" and staff_he.is_staff and staff_he.has_perm("registry.change_demand")
    assert not staff_he.has_perm("registry.view_personal_data")
    assert OrganisationMembership.objects.get(user__username="enterprise").organisation.region == "13"
    assert User.objects.get(username="expert").person.expert.status == Status.VERIFIED
    assert hasattr(User.objects.get(username="graduate").person, "graduate")
    assert client.login(username="staff_he", password="jjj-staff-2026")


def test_seed_reset_replaces_the_demo_data(reference):
    seed()
    before = set(Person.objects.values_list("name", flat=True))
    output = seed(reset=True, seed=4, experts=10)
    assert "已删除演示数据" in output
    assert Expert.objects.count() == 10 and set(Person.objects.values_list("name", flat=True)) != before
    assert User.objects.filter(username="admin").count() == 1


@pytest.mark.bench
def test_bench_seed_smoke(tmp_path):
    """bench/bench_seed.py at a tiny size on a throw-away SQLite file."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}", "DJANGO_SETTINGS_MODULE": "jjjtalent.settings.local"}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "bench/bench_seed.py", "--experts", "40", "--demands", "8"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'Expert': 40" in result.stdout and "'Demand': 8" in result.stdout
