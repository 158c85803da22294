"""The portals over the registry services: public search, enterprise, expert, graduate and staff pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from registry import services
from registry.choices import ConsentScope, Status
from registry.models import Demand, Expert, Graduate, Organisation
from registry.web import tokens
from tests.support import factory as builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def _demand_post(**over):
    today = dt.date.today()
    data = {
        "form_token": tokens.issue(), "kind": "technical_problem", "title": "焊接机器人工艺攻关", "description": "需要焊接工艺专家现场指导",
        "industry": "3912", "disciplines": "E05", "city": "130600", "sharing_modes": ["consulting", "remote"],
        "period_start": today.isoformat(), "period_end": (today + dt.timedelta(days=90)).isoformat(), "headcount": "1",
        "min_title_level": "associate_senior", "urgency": "normal", "submit": "1",
    }
    data.update(over)
    return data


# --- public ----------------------------------------------------------------------------------------------


def test_public_directory_shows_consenting_verified_experts_without_personal_data(client, factory):
    shown = factory.expert(name="王公开", email="wang@tsinghua.edu.cn")
    services.consent_grant(person=shown.person, scope=ConsentScope.PUBLIC_DIRECTORY)
    hidden = factory.expert(name="李不公开")  # no public_directory consent
    pending = factory.expert(name="赵待核", status=Status.SUBMITTED)
    services.consent_grant(person=pending.person, scope=ConsentScope.PUBLIC_DIRECTORY)
    html = client.get(reverse("portal:expert_directory")).content.decode()
    assert "王公开" in html and "李不公开" not in html and "赵待核" not in html
    detail = client.get(reverse("portal:expert_public", args=[shown.pk])).content.decode()
    for secret in (shown.person.id_number, shown.person.mobile, shown.person.email, shown.person.masked_mobile):
        assert secret not in detail
    assert client.get(reverse("portal:expert_public", args=[hidden.pk])).status_code == 404
    # revoking the consent removes the expert at once
    services.consent_revoke(person=shown.person, scope=ConsentScope.PUBLIC_DIRECTORY)
    assert client.get(reverse("portal:expert_public", args=[shown.pk])).status_code == 404


def test_home_search_filters_catalogue_by_city_industry_discipline_and_mode(client, factory, staff_he):
    bd = factory.demand(title="保定芯片封装", status=Status.SUBMITTED)
    services.record_transition(actor=staff_he, record=bd, to=Status.PUBLISHED)
    org_ts = factory.organisation(division="130200")
    ts = factory.demand(organisation=org_ts, title="唐山钢铁节能", industry="3110", disciplines=["E04"], sharing_modes=["project"], status=Status.SUBMITTED)
    services.record_transition(actor=staff_he, record=ts, to=Status.PUBLISHED)
    factory.demand(title="未发布的草稿")
    html = client.get(reverse("home")).content.decode()
    assert "保定芯片封装" in html and "唐山钢铁节能" in html and "未发布的草稿" not in html
    assert "河北各市已发布需求" in html

    def titles(**params):
        page = client.get(reverse("portal:demand_catalogue"), params).content.decode()
        return {t for t in ("保定芯片封装", "唐山钢铁节能") if t in page}

    assert titles(city="130600") == {"保定芯片封装"}
    assert titles(city="130203") == set()
    assert titles(industry="31") == {"唐山钢铁节能"}
    assert titles(discipline="E04") == {"唐山钢铁节能"}
    assert titles(mode="project") == {"唐山钢铁节能"}
    assert titles(q="芯片") == {"保定芯片封装"}
    assert client.get(reverse("portal:demand_detail", args=[bd.pk])).status_code == 200
    draft = Demand.objects.get(title="未发布的草稿")
    assert client.get(reverse("portal:demand_detail", args=[draft.pk])).status_code == 404


def test_code_picker_endpoint_searches_the_real_trees(client, reference):
    r = client.get(reverse("portal:codes", args=["division"]), {"q": "雄县"}).json()
    assert r["results"][0]["code"] == "130638" and "保定" in r["results"][0]["context"]
    r = client.get(reverse("portal:codes", args=["division"]), {"q": "baoding"}).json()
    assert any(x["code"] == "130600" for x in r["results"])
    r = client.get(reverse("portal:codes", args=["industry"]), {"q": "3912"}).json()
    assert r["results"][0]["code"] == "3912"
    r = client.get(reverse("portal:codes", args=["discipline"]), {"q": "计算机"}).json()
    assert r["results"] and len(r["results"]) <= 20
    r = client.get(reverse("portal:codes", args=["hebei"]), {"q": "海淀"}).json()
    assert r["results"] == []
    assert client.get(reverse("portal:codes", args=["nope"]), {"q": "x"}).status_code == 404


# --- enterprise ----------------------------------------------------------------------------------------


def test_organisation_register_shows_service_errors_next_to_fields_and_keeps_input(client, make_user, reference):
    client.force_login(make_user())
    bad = builders.credit_code(4242)[:-1] + ("0" if builders.credit_code(4242)[-1] != "0" else "1")
    r = client.post(reverse("portal:org_register"), {"form_token": tokens.issue(), "name": "河北示范科技", "credit_code": bad, "org_type": "enterprise",
                                                     "division": "999999", "contact_phone": "12345"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "统一社会信用代码校验位不正确" in html and "未知的所在地代码：999999" in html and "手机号应为以1开头的11位数字" in html
    assert 'value="河北示范科技"' in html and f'value="{bad}"' in html
    assert Organisation.objects.count() == 0


def test_organisation_register_and_double_post_creates_one(client, make_user, reference):
    user = make_user()
    client.force_login(user)
    data = {"form_token": tokens.issue(), "name": "保定示范科技有限公司", "credit_code": builders.credit_code(777), "org_type": "enterprise", "division": "130606", "industry": "3912"}
    r1 = client.post(reverse("portal:org_register"), data)
    r2 = client.post(reverse("portal:org_register"), data)
    assert r1.status_code == r2.status_code == 302 and r1.url == r2.url
    assert Organisation.objects.filter(name="保定示范科技有限公司").count() == 1
    org = Organisation.objects.get()
    assert org.memberships.filter(user=user).exists() and org.region == "13"


def test_demand_create_submit_and_double_click(client, factory, make_user):
    user = make_user()
    org = factory.organisation(actor=user, verified=False)
    client.force_login(user)
    data = _demand_post()
    r1 = client.post(reverse("portal:demand_create"), data)
    r2 = client.post(reverse("portal:demand_create"), data)
    assert r1.status_code == r2.status_code == 302 and r1.url == r2.url
    demand = Demand.objects.get(organisation=org)
    assert demand.status == Status.SUBMITTED and demand.created_by == user
    assert list(demand.disciplines.values_list("code", flat=True)) == ["E05"]
    page = client.get(r1.url).content.decode()
    assert "待审核" in page and "单位审核通过后" in page


def test_demand_errors_map_onto_fields_in_chinese(client, factory, make_user):
    user = make_user()
    factory.organisation(actor=user)
    client.force_login(user)
    today = dt.date.today()
    r = client.post(reverse("portal:demand_create"), _demand_post(
        kind="open_challenge", industry="", city="110108", disciplines="ZZ99", sharing_modes=[],
        period_start=today.isoformat(), period_end=(today - dt.timedelta(days=3)).isoformat(), budget_min="10", budget_max="5"))
    html = r.content.decode()
    assert r.status_code == 200 and Demand.objects.count() == 0
    for message in ("请选择“所属行业”", "未知的学科代码：ZZ99", "请选择“可接受的合作方式”", "早于开始日期", "预算上限低于预算下限", "揭榜挂帅需求须写明奖金"):
        assert message in html, message
    assert 'value="焊接机器人工艺攻关"' in html and "需要焊接工艺专家现场指导" in html
    # the error list links each message to its field
    assert 'href="#id_industry"' in html


def test_demand_edit_only_by_members_and_only_before_publication(client, factory, make_user, staff_he):
    owner, stranger = make_user(), make_user()
    org = factory.organisation(actor=owner)
    demand = factory.demand(organisation=org)
    client.force_login(stranger)
    assert client.get(reverse("portal:demand_edit", args=[demand.pk])).status_code == 403
    assert client.post(reverse("portal:demand_transition", args=[demand.pk]), {"to": "submitted"}).status_code == 403
    client.force_login(owner)
    data = _demand_post(title="改过的标题")
    data.pop("submit")
    r = client.post(reverse("portal:demand_edit", args=[demand.pk]), data)
    assert r.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "改过的标题" and demand.status == Status.DRAFT
    client.post(reverse("portal:demand_transition", args=[demand.pk]), {"to": "submitted"})
    services.record_transition(actor=staff_he, record=Demand.objects.get(pk=demand.pk), to=Status.PUBLISHED)
    r = client.get(reverse("portal:demand_edit", args=[demand.pk]))
    assert r.status_code == 302


def test_missing_form_token_is_refused_with_a_message(client, factory, make_user):
    user = make_user()
    factory.organisation(actor=user)
    client.force_login(user)
    data = _demand_post()
    data.pop("form_token")
    r = client.post(reverse("portal:demand_create"), data)
    assert r.status_code == 200 and "表单已失效" in r.content.decode() and Demand.objects.count() == 0


def test_expired_session_redirects_to_login_with_next(client, reference):
    r = client.post(reverse("portal:demand_create"), _demand_post())
    assert r.status_code == 302 and r.url.startswith(reverse("login")) and "next=/portal/demands/new/" in r.url
    assert "恢复" in client.get(r.url).content.decode()


# --- experts and graduates -------------------------------------------------------------------------------


def _expert_post(**over):
    data = {
        "form_token": tokens.issue(), "name": "张京津", "id_number": builders.id_number(901), "mobile": "13900000901", "email": "zhang@bit.edu.cn",
        "employer_name": "北京理工大学", "home_division": "110108", "talent_team": "professional_technical", "title_series": "engineering",
        "title_level": "senior", "disciplines": "F02,E05", "industries": "3912", "skills": "焊接、机器人", "sharing_modes": ["consulting", "remote"],
        "served_cities": ["130600", "130200"], "max_engagements": "2", "days_per_month": "4", "consent_share": "on",
    }
    data.update(over)
    return data


def test_expert_registration_requires_separate_consent(client, make_user, reference):
    user = make_user()
    client.force_login(user)
    r = client.post(reverse("portal:expert_register"), _expert_post(consent_share=""))
    assert r.status_code == 200 and "单独同意" in r.content.decode() and Expert.objects.count() == 0
    assert 'value="张京津"' in r.content.decode()
    r = client.post(reverse("portal:expert_register"), _expert_post(consent_public="on"))
    assert r.status_code == 302
    expert = Expert.objects.get()
    assert expert.person.user == user and expert.status == Status.SUBMITTED
    scopes = set(expert.person.consents.filter(revoked_at=None).values_list("scope", flat=True))
    assert scopes == {ConsentScope.SHARE_WITH_ORGANISATIONS, ConsentScope.MATCHING, ConsentScope.PUBLIC_DIRECTORY}
    assert sorted(expert.served_cities.values_list("code", flat=True)) == ["130200", "130600"]


def test_expert_profile_edit_and_consent_revocation(client, make_user, reference):
    user = make_user()
    client.force_login(user)
    client.post(reverse("portal:expert_register"), _expert_post())
    expert = Expert.objects.get()
    r = client.post(reverse("portal:expert_profile"), {**_expert_post(), "days_per_month": "40"})
    assert r.status_code == 200 and "每月可投入天数" in r.content.decode()
    r = client.post(reverse("portal:expert_profile"), {**_expert_post(), "days_per_month": "8", "served_cities": [], "serves_all_hebei": ""})
    assert "请选择愿意服务的河北城市" in r.content.decode()
    r = client.post(reverse("portal:expert_profile"), {**_expert_post(), "days_per_month": "8", "skills": "热处理，焊接"})
    assert r.status_code == 302
    expert.refresh_from_db()
    assert expert.days_per_month == 8 and expert.skills == ["热处理", "焊接"]
    client.post(reverse("portal:consent_update"), {"consent_public": "on"})
    active = set(expert.person.consents.filter(revoked_at=None).values_list("scope", flat=True))
    assert ConsentScope.PUBLIC_DIRECTORY in active and ConsentScope.SHARE_WITH_ORGANISATIONS not in active


def test_graduate_register_and_profile(client, make_user, reference):
    user = make_user()
    client.force_login(user)
    data = {"form_token": tokens.issue(), "name": "刘毕业", "mobile": "13700000123", "school": "河北工业大学", "school_division": "120102", "degree": "master",
            "major": "材料", "graduation_year": "2026", "preferred_cities": ["130600"], "seeking_status": "seeking", "consent_share": "on"}
    r = client.post(reverse("portal:graduate_register"), {**data, "graduation_year": "1970"})
    assert r.status_code == 200 and Graduate.objects.count() == 0
    r = client.post(reverse("portal:graduate_register"), data)
    assert r.status_code == 302
    graduate = Graduate.objects.get()
    r = client.post(reverse("portal:graduate_profile"), {**data, "major": "材料科学与工程"})
    assert r.status_code == 302
    graduate.refresh_from_db()
    assert graduate.major == "材料科学与工程"
    assert "毕业生资料" in client.get(reverse("home")).content.decode()


# --- staff -----------------------------------------------------------------------------------------------


def test_staff_queue_is_per_region_and_actions_go_through_services(client, factory, make_user, staff_he, staff_bj):
    member = make_user()
    org = factory.organisation(actor=member, verified=False, name="廊坊待审单位")
    demand = factory.demand(organisation=org, status=Status.SUBMITTED, title="廊坊待审需求")
    expert = factory.expert(status=Status.SUBMITTED, name="海淀待核专家")
    client.force_login(staff_bj)
    page = client.get(reverse("portal:staff_queue")).content.decode()
    assert "海淀待核专家" in page and "廊坊待审单位" not in page
    assert "110***********" in page or "*" in page
    assert expert.person.id_number not in page and expert.person.mobile not in page
    # Beijing staff cannot publish Hebei demand even by posting directly
    r = client.post(reverse("portal:staff_act", args=["demand", demand.pk]), {"to": "published"}, follow=True)
    demand.refresh_from_db()
    assert demand.status == Status.SUBMITTED and "无权" in r.content.decode()

    client.force_login(staff_he)
    page = client.get(reverse("portal:staff_queue")).content.decode()
    assert "廊坊待审单位" in page and "廊坊待审需求" in page and "海淀待核专家" not in page
    # publishing before the organisation is verified is refused with the reason
    r = client.post(reverse("portal:staff_act", args=["demand", demand.pk]), {"to": "published"}, follow=True)
    assert "需求单位尚未通过审核" in r.content.decode()
    # returning needs a reason
    r = client.post(reverse("portal:staff_act", args=["demand", demand.pk]), {"to": "draft"}, follow=True)
    assert "须填写原因" in r.content.decode()
    client.post(reverse("portal:staff_act", args=["organisation", org.pk]), {"to": "verified"})
    client.post(reverse("portal:staff_act", args=["demand", demand.pk]), {"to": "published"})
    org.refresh_from_db()
    demand.refresh_from_db()
    assert org.status == Status.VERIFIED and demand.status == Status.PUBLISHED and demand.verified_by == staff_he


def test_staff_pages_need_staff(client, make_user):
    client.force_login(make_user())
    r = client.get(reverse("portal:staff_queue"))
    assert r.status_code == 302 and r.url.startswith(reverse("login"))  # our login page, which says the account lacks access


def test_a_logged_in_non_staff_user_is_told_not_bounced(client, make_user):
    client.force_login(make_user())
    r = client.get(reverse("portal:staff_queue"), follow=True)
    assert r.redirect_chain and len(r.redirect_chain) == 1 and "无权访问该页面" in r.content.decode()
    assert client.get(reverse("login")).url == reverse("portal:dashboard")
