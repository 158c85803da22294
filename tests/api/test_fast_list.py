"""The expert list's hand-parsed path on PostgreSQL gives the same answers as the FilterSet path."""

from __future__ import annotations

import datetime as dt

import pytest

from registry import apis
from registry.models import Expert, PersonalDataAccess
from tests.support.servers import postgres

QUERIES = [
    "",
    "page_size=2",
    "division=110000&industry=39&min_title_level=associate_senior&status=verified&page_size=2",
    "division=xiongan",
    "division=120000&status=verified&status=draft",
    "industry=C&discipline=F02",
    "discipline=H01",
    "sharing_modes=consulting,project&region=11",
    "sharing_modes=remote&page_size=1",
    "region=12",
    "status=draft",
    "min_title_level=senior&page_size=3",
]


@pytest.fixture
def fast_spy(monkeypatch):
    """Counts the requests the fast path answered (so a test fails when it silently falls back)."""
    taken = []
    real = apis.expert_fast_filters

    def spy(params):
        result = real(params)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(apis, "expert_fast_filters", spy)
    return taken


@pytest.fixture
def experts(factory):
    postgres()
    made = [
        factory.expert(industries=["3912"], disciplines=["F0201"], title_level="senior", sharing_modes=["remote"]),
        factory.expert(home_division="120101", industries=["8411"], disciplines=["H01"], title_level="intermediate", sharing_modes=["consulting"]),
        factory.expert(home_division="130638", title_level="associate_senior"),
        factory.expert(home_division="120102", status="draft", title_level="senior"),
    ]
    made += [factory.expert(home_division="110108", title_level="associate_senior", sharing_modes=["project"]) for _ in range(4)]
    # the formats the SQL must reproduce: dates, a timestamp on a whole second, a float rating, no skills
    Expert.objects.filter(pk=made[0].pk).update(
        available_from=dt.date(2026, 1, 5), available_until=dt.date(2027, 12, 31), rating_avg=4.25, rating_count=4, skills=[],
        updated_at=dt.datetime(2026, 11, 20, 8, 0, 0, tzinfo=dt.timezone.utc),
    )
    Expert.objects.filter(pk=made[1].pk).update(employer=factory.organisation(), serves_all_hebei=False, talent_team="enterprise_management")
    return made


def _pages(client, query, monkeypatch, *, fast: bool):
    """The first page and, when there is one, the next page (by its link) and the previous (by its link)."""
    monkeypatch.setattr(apis, "FAST_LIST", fast)
    first = client.get(f"/api/v1/experts/?{query}")
    assert first.status_code == 200, first.content
    pages = [first.json()]
    if pages[0]["next"]:
        second = client.get(pages[0]["next"]).json()
        pages.append(second)
        if second["previous"]:
            pages.append(client.get(second["previous"]).json())
    return first, pages


@pytest.mark.parametrize("query", QUERIES)
def test_fast_path_answers_like_the_filterset(query, experts, bj_client, monkeypatch, fast_spy):
    slow_response, slow = _pages(bj_client, query, monkeypatch, fast=False)
    assert fast_spy == []
    fast_response, fast = _pages(bj_client, query, monkeypatch, fast=True)
    assert fast_spy and all(fast_spy), "the fast path was not taken"
    assert fast == slow
    same_headers = lambda r: {k: v for k, v in r.headers.items() if k not in ("Content-Length", "X-Request-ID")}  # noqa: E731
    assert same_headers(fast_response) == same_headers(slow_response)


def test_fast_path_pages_cover_every_matching_row_once(experts, bj_client, monkeypatch, fast_spy):
    seen, url = [], "/api/v1/experts/?status=verified&page_size=2"
    while url:
        body = bj_client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert all(fast_spy) and len(fast_spy) >= 4
    assert sorted(seen) == sorted(e.pk for e in experts if e.status == "verified") and len(seen) == len(set(seen))


@pytest.mark.parametrize("query", [
    "sharing_modes=flying", "min_title_level=emperor", "division=999999", "status=sleeping", "region=99",
    "page_size=2&cursor=garbage", "division=", "industry=%2039",
])
def test_unusual_or_invalid_values_fall_back_with_the_same_answer(query, experts, bj_client, monkeypatch):
    monkeypatch.setattr(apis, "FAST_LIST", False)
    slow = bj_client.get(f"/api/v1/experts/?{query}")
    monkeypatch.setattr(apis, "FAST_LIST", True)
    fast = bj_client.get(f"/api/v1/experts/?{query}")
    assert (fast.status_code, fast.json()) == (slow.status_code, slow.json())
    if query in ("sharing_modes=flying", "min_title_level=emperor", "division=999999", "status=sleeping", "page_size=2&cursor=garbage"):
        assert fast.status_code == 400 and fast["Content-Type"].startswith("application/problem+json")


def test_unknown_or_repeated_parameters_are_not_fast(experts):
    from django.http import QueryDict

    from registry.filters import expert_fast_filters

    assert expert_fast_filters(QueryDict("division=110000&page_size=2")) is not None
    for query in ("q=芯片", "include=personal", "ordering=updated_at", "division=110000&division=120000", "title_level=senior", "division=%20110000"):
        assert expert_fast_filters(QueryDict(query)) is None, query


def test_personal_read_goes_through_the_logged_path(experts, make_key, partner_client, fast_spy):
    client = partner_client(make_key(scopes=["experts:read", "personal:read"], region="11"))
    rows = client.get("/api/v1/experts/?include=personal&division=110000").json()["results"]
    assert fast_spy == [False]
    assert rows and all(r["personal"]["masked"] is False for r in rows)
    assert PersonalDataAccess.objects.count() == len(rows)


def test_a_missing_list_document_is_built_by_the_page(experts, bj_client, fast_spy):
    """The page reads each expert's list document (registry.documents); one missing is built in the query."""
    from registry.models import ExpertListDocument

    expected = bj_client.get("/api/v1/experts/?status=verified").json()["results"]
    ExpertListDocument.objects.filter(expert_id=experts[0].pk).delete()
    assert bj_client.get("/api/v1/experts/?status=verified").json()["results"] == expected
    assert fast_spy == [True, True]
