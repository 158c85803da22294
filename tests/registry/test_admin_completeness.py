"""Admin list filters, search, code pickers and the logged unmask page."""

import pytest
from django.urls import reverse

from registry.models import PersonalDataAccess


@pytest.fixture
def staff_client(client, make_user, reference):
    from registry import demo

    def login(region="11", **kw):
        user = make_user(region=region, staff=True, **kw)
        user.groups.add(demo.staff_group())
        client.force_login(user)
        return client

    return login


def changelist_names(response):
    return {str(e.person.name) for e in response.context["cl"].result_list}


def test_industry_filter_by_section_and_division(factory, staff_client):
    chips = factory.expert(name="芯片专家", industries=["3973"])  # C 制造业 / 39
    software = factory.expert(name="软件专家", industries=["6511"])  # I 信息技术
    client = staff_client()
    url = reverse("admin:registry_expert_changelist")
    assert changelist_names(client.get(url, {"industry": "C"})) == {chips.person.name}
    assert changelist_names(client.get(url, {"industry": "39"})) == {chips.person.name}
    assert changelist_names(client.get(url, {"industry": "I"})) == {software.person.name}
    assert changelist_names(client.get(url, {"industry": "38"})) == set()


def test_industry_filter_offers_sections_not_thousands_of_classes(factory, staff_client):
    factory.expert()
    client = staff_client()
    response = client.get(reverse("admin:registry_expert_changelist"))
    spec = next(f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "industry")
    assert len(spec.lookup_choices) == 20
    chosen = client.get(reverse("admin:registry_expert_changelist"), {"industry": "C"})
    spec = next(f for f in chosen.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "industry")
    assert 20 < len(spec.lookup_choices) < 60  # the sections plus manufacturing's 31 divisions


def test_demand_industry_filter_follows_the_tree(factory, staff_client):
    demand = factory.demand(industry="3973")
    client = staff_client("13")
    url = reverse("admin:registry_demand_changelist")
    assert list(client.get(url, {"industry": "397"}).context["cl"].result_list) == [demand]
    assert list(client.get(url, {"industry": "A"}).context["cl"].result_list) == []


def test_search_by_full_id_number_uses_the_hash(factory, staff_client):
    wanted = factory.expert()
    factory.expert()
    response = staff_client().get(reverse("admin:registry_expert_changelist"), {"q": wanted.person.id_number})
    assert list(response.context["cl"].result_list) == [wanted]
    response = staff_client().get(reverse("admin:registry_expert_changelist"), {"q": wanted.person.mobile})
    assert list(response.context["cl"].result_list) == [wanted]


def test_code_pickers_are_autocompletes_that_page_and_respect_limits(factory, staff_client):
    client = staff_client()
    add = client.get(reverse("admin:registry_expert_add")).content.decode()
    assert add.count("<option") < 200  # no thousand-option selects for codes
    url = reverse("admin:autocomplete")
    found = client.get(url, {"app_label": "registry", "model_name": "expert", "field_name": "industries", "term": "制造"}).json()
    assert 0 < len(found["results"]) <= 20 and found["pagination"]["more"] is True
    hebei = client.get(url, {"app_label": "registry", "model_name": "expert", "field_name": "served_cities", "term": "海淀"}).json()
    assert hebei["results"] == []  # served cities are Hebei prefectures only
    baoding = client.get(url, {"app_label": "registry", "model_name": "expert", "field_name": "served_cities", "term": "保定"}).json()
    assert [r["id"] for r in baoding["results"]] == ["130600"]


def test_unmask_needs_the_permission(factory, staff_client):
    expert = factory.expert()
    client = staff_client()
    url = reverse("admin:registry_person_reveal") + f"?ids={expert.person_id}"
    assert client.get(url).status_code == 403
    assert client.post(url, {"purpose": "核对"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_unmask_reveals_and_records_each_look(factory, staff_client):
    expert = factory.expert()
    client = staff_client(perms=("registry.view_personal_data",))
    url = reverse("admin:registry_person_reveal") + f"?ids={expert.person_id}"
    before = client.get(url).content.decode()
    assert expert.person.id_number not in before and expert.person.masked_id_number in before
    assert not PersonalDataAccess.objects.exists()
    assert "purpose" in client.post(url, {}).context["form"].errors  # a purpose is required
    page = client.post(url, {"purpose": "签订合作协议核对身份"})
    assert expert.person.id_number in page.content.decode() and "no-store" in page["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert access.person == expert.person and access.purpose == "签订合作协议核对身份" and "id_number" in access.fields


def test_unmask_action_leads_to_the_logged_page(factory, staff_client):
    expert = factory.expert()
    client = staff_client(perms=("registry.view_personal_data",))
    response = client.post(reverse("admin:registry_expert_changelist"), {"action": "unmask", "_selected_action": [expert.pk]})
    assert response.status_code == 302 and f"ids={expert.person_id}" in response["Location"]
    refused = staff_client("12").post(reverse("admin:registry_expert_changelist"), {"action": "unmask", "_selected_action": [expert.pk]}, follow=True)
    assert "没有查看完整个人信息的权限" in refused.content.decode()


@pytest.mark.parametrize("model", ["consent", "datarequest", "demand", "graduate", "highleveltalent", "organisation", "expert"])
def test_add_pages_do_not_list_every_person_or_code(factory, make_user, client, model):
    for _ in range(3):
        factory.expert()
    client.force_login(make_user(superuser=True))
    page = client.get(reverse(f"admin:registry_{model}_add")).content.decode()
    assert page.count("<option") < 200  # the reference trees alone have thousands of codes
    import re

    for select in re.findall(r"<select[^>]*>", page):  # persons and organisations grow without bound: pickers only
        if re.search(r'name="(person|organisation|employer|existing|candidate)"', select):
            assert "admin-autocomplete" in select, select
