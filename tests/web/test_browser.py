"""End-to-end flows in a real browser (Playwright + Debian's Chromium) against pytest-django's live server.

Flow 1: an enterprise signs up, registers its organisation (统一社会信用代码 checked as typed), posts a demand
through the guided form with the code pickers (a double click creates one record) → staff of Hebei verifies the
organisation and publishes the demand → it is in the public 人才需求目录.
Also: a form whose session expired is restored after logging in again.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from registry import services
from registry.choices import ConsentScope, Status
from tests.support import factory as builders
from tests.support.browser import CHROMIUM_ARGS, chromium_path, screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Jjj-2026!"


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return screenshot_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def chromium():
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs its own event loop in this thread; Django would refuse ORM calls in it.
    # Only for these tests: the variable must not leak into other tests (manage.py check --deploy refuses it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def cache_cleared():
    from django.core.cache import cache

    cache.clear()


def _seed_catalogue(factory, staff_he):
    for title, division, industry in (("保定汽车轻量化材料攻关", "130600", "3670"), ("唐山钢铁超低排放改造咨询", "130200", "3110")):
        org = factory.organisation(division=division)
        demand = factory.demand(organisation=org, title=title, industry=industry, status=Status.SUBMITTED)
        services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    for name, home in (("陈海淀", "110108"), ("周滨海", "120116")):
        expert = factory.expert(name=name, home_division=home)
        services.consent_grant(person=expert.person, scope=ConsentScope.PUBLIC_DIRECTORY)


def _pick(page, field_id: str, query: str, option_text: str):
    box = page.locator(f"#{field_id}")
    box.fill(query)
    page.locator(f"#{field_id}-list [role=option]", has_text=option_text).first.click()


def _login(page, username: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")


def test_enterprise_posts_demand_and_hebei_staff_publishes_it(page, factory, staff_he, shots, cache_cleared):
    from registry.models import Demand, Organisation

    staff_he.set_password(PASSWORD)
    staff_he.save()
    _seed_catalogue(factory, staff_he)

    page.goto("/")
    assert page.locator("h1").inner_text() == "京津冀人才共享平台"
    assert page.locator(".figures li").first.locator("strong").inner_text() == "2"
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    # sign up as an enterprise user
    page.click("text=用人单位：发布需求")
    page.fill("#id_username", "baoding_corp")
    page.fill("#id_email", "hr@baoding-corp.cn")
    page.fill("#id_password1", "Baoding-2026-pw")
    page.fill("#id_password2", "Baoding-2026-pw")
    page.click("form button[type=submit]")
    page.wait_for_url("**/portal/org/register/")

    # the credit code is checked as typed, with the server's arithmetic
    good = builders.credit_code(20261123)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    page.fill("#id_name", "保定莲池智能装备有限公司")
    page.fill("#id_credit_code", wrong)
    assert "校验位不正确" in page.locator("#credit-check").inner_text()
    page.fill("#id_credit_code", good[:10] + "I")
    assert "不允许的字符：I" in page.locator("#credit-check").inner_text()
    page.fill("#id_credit_code", good)
    assert "校验位正确" in page.locator("#credit-check").inner_text()
    # the picker works from the keyboard: type, arrow down, Enter
    page.locator("#id_division").fill("莲池")
    page.wait_for_selector("#id_division-list [role=option]")
    assert page.locator("#id_division").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_division").get_attribute("aria-activedescendant") == "id_division-opt-0"
    page.keyboard.press("Enter")
    assert "莲池区" in page.locator("#f-division .chips").inner_text()
    assert page.locator("#id_division-codes").input_value() == "130606"
    _pick(page, "id_industry", "工业机器人", "工业机器人制造")
    page.fill("#id_contact_name", "李经理")
    page.screenshot(path=str(shots / "org_register.png"), full_page=True)
    page.click("form[data-once] button[type=submit]")
    page.wait_for_url("**/portal/org/")
    org = Organisation.objects.get(credit_code=good)
    assert org.division_id == "130606" and org.status == Status.SUBMITTED

    # the guided demand form: three steps and a summary
    page.click("text=发布新需求")
    page.wait_for_url("**/portal/demands/new/**")
    page.select_option("#id_kind", "technical_problem")
    page.fill("#id_title", "焊接机器人视觉引导精度提升")
    page.fill("#id_description", "产线焊接机器人视觉引导误差约1毫米，需要专家指导标定与算法优化。")
    page.click("fieldset[data-step='1'] [data-next]")
    assert page.locator("fieldset[data-step='2']").is_visible()
    assert page.locator("fieldset[data-step='1']").is_hidden()
    assert "工业机器人制造" in page.locator("#f-industry .chips").inner_text()  # prefilled from the organisation
    _pick(page, "id_disciplines", "F03", "F03")
    page.click("fieldset[data-step='2'] [data-next]")
    # a required step-3 field left empty stops the step with a message next to it
    page.click("fieldset[data-step='3'] [data-next]")
    assert page.locator("#f-period_start .client-error").is_visible()
    page.check("input[name=sharing_modes][value=consulting]")
    page.check("input[name=sharing_modes][value=remote]")
    today = dt.date.today()
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + dt.timedelta(days=120)).isoformat())
    page.click("fieldset[data-step='3'] [data-next]")
    summary = page.locator("[data-summary]").inner_text()
    assert "焊接机器人视觉引导精度提升" in summary and "顾问咨询" in summary
    page.screenshot(path=str(shots / "demand_form_review.png"), full_page=True)
    page.locator("button[name=submit]").dblclick()  # a double click makes one demand
    page.wait_for_url("**/portal/demands/*/")
    assert Demand.objects.filter(organisation=org).count() == 1
    demand = Demand.objects.get(organisation=org)
    assert demand.status == Status.SUBMITTED and list(demand.disciplines.values_list("code", flat=True)) == ["F03"]
    assert "待审核" in page.locator("main").inner_text()

    # staff of Hebei: verify the organisation, then publish
    page.locator("header form.inline button").click()  # logout
    _login(page, "staff_he")
    page.goto("/staff/")
    queue = page.locator("main")
    assert "保定莲池智能装备有限公司" in queue.inner_text() and "焊接机器人视觉引导精度提升" in queue.inner_text()
    page.screenshot(path=str(shots / "staff_queue.png"), full_page=True)
    page.locator("article", has_text="焊接机器人视觉引导精度提升").locator("button", has_text="发布").click()
    assert "需求单位尚未通过审核" in page.locator(".messages").inner_text()
    page.locator("article", has_text="保定莲池智能装备有限公司").locator("button", has_text="审核通过").click()
    page.locator("article", has_text="焊接机器人视觉引导精度提升").locator("button", has_text="发布").click()
    assert "已发布" in page.locator(".messages").inner_text()
    demand.refresh_from_db()
    assert demand.status == Status.PUBLISHED and demand.verified_by_id == staff_he.pk

    # it is in the public catalogue, searchable by city
    page.goto("/demands/?city=130606")
    page.click("text=焊接机器人视觉引导精度提升")
    assert "保定莲池智能装备有限公司" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "demand_detail.png"), full_page=True)

    # a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert page.locator("#site-nav").is_hidden()
    page.click(".nav-toggle")
    assert page.locator("#site-nav").is_visible()
    page.screenshot(path=str(shots / "home_phone.png"), full_page=False)

    # English, switched from the header
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("#lang-select", "en")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Beijing–Tianjin–Hebei Talent Sharing"
    assert "Published demand" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "home_en.png"), full_page=False)


def test_expired_session_restores_the_form_after_login(page, factory, make_user, shots, cache_cleared):
    from registry.models import Demand

    user = make_user(username="tangshan_corp")
    factory.organisation(actor=user, division="130200")
    _login(page, "tangshan_corp")
    page.goto("/portal/demands/new/")
    page.fill("#id_title", "高炉煤气余热回收方案论证")
    page.fill("#id_description", "论证余热发电方案的技术经济性。")
    page.set_viewport_size({"width": 390, "height": 844})  # the same form on a phone
    page.screenshot(path=str(shots / "demand_form_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)  # the draft is saved 300 ms after typing
    page.context.clear_cookies(name="sessionid")  # the session expires while the person is typing
    page.click("fieldset[data-step='1'] [data-next]")
    page.click("fieldset[data-step='2'] [data-next]")
    page.check("input[name=sharing_modes][value=project]")
    today = dt.date.today()
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + dt.timedelta(days=30)).isoformat())
    page.click("fieldset[data-step='3'] [data-next]")
    page.click("button[name=save]")
    page.wait_for_url("**/accounts/login/**")
    assert "自动恢复" in page.locator("main").inner_text()
    assert Demand.objects.count() == 0
    page.fill("#id_username", "tangshan_corp")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/portal/demands/new/")
    assert page.locator("#id_title").input_value() == "高炉煤气余热回收方案论证"
    assert page.locator("input[name=sharing_modes][value=project]").is_checked()
    assert "已恢复" in page.locator(".draft-note").inner_text()
    # sending it now works, and the saved draft is forgotten
    page.click("fieldset[data-step='1'] [data-next]")
    page.click("fieldset[data-step='2'] [data-next]")
    page.click("fieldset[data-step='3'] [data-next]")
    page.click("button[name=save]")
    page.wait_for_url("**/portal/demands/*/")
    assert Demand.objects.get().title == "高炉煤气余热回收方案论证"
    assert page.evaluate("localStorage.getItem('jjj-draft:demand-new')") is None


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _logout(page):
    page.locator("header form.inline button").click()
    page.wait_for_url("**/")


def test_talent_applies_in_tianjin_for_beijing_item_with_correction_and_rating(page, reference, make_user, staff_bj, staff_tj, shots, cache_cleared, settings, tmp_path):
    """A talent applies in Tianjin (受理地) for an item handled by Beijing (办理地) → Tianjin accepts → Beijing sends
    a 补正 notice → the talent supplements → Beijing completes → the talent rates it; the talent card shows its QR."""
    from django.core.management import call_command

    from registry import services as registry_services
    from services import services as service_services
    from services.models import Application

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_services", verbosity=0)
    for staff in (staff_bj, staff_tj):
        staff.set_password(PASSWORD)
        staff.save()
    user = make_user(username="talent_li")
    talent = registry_services.talent_register(actor=staff_bj, name="李青年", id_number=builders.id_number(903), mobile=builders.mobile(903), tier="D",
                                               programme="青年拔尖人才", recognised_on=dt.date(2024, 5, 1), home_division="110108", status=Status.VERIFIED)
    talent.person.user = user
    talent.person.save()
    service_services.talent_card_issue(actor=staff_bj, talent=talent)

    _login(page, "talent_li")
    page.goto("/portal/card/")
    assert page.locator(".qr svg").count() == 1
    page.screenshot(path=str(shots / "talent_card.png"), full_page=True)

    page.goto("/portal/services/")
    page.click("text=职称资格互认")
    assert "15 个工作日" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "service_item.png"), full_page=True)
    page.click("text=在线申请")
    page.select_option("#id_accept_region", "12")
    page.select_option("#id_handle_region", "11")
    page.set_input_files("#id_m_id_card", _pdf("身份证.pdf"))
    page.set_input_files("#id_m_form", _pdf("申请表.pdf"))
    page.set_input_files("#id_m_title_certificate", _pdf("职称证书.pdf"))
    page.click("form[data-once] button[type=submit]")
    page.wait_for_url("**/portal/applications/*/")
    app = Application.objects.get()
    assert (app.accept_region, app.handle_region) == ("12", "11")
    assert "未受理，尚未计时" in page.locator("main").inner_text()
    _logout(page)

    # Tianjin, the 受理地, accepts
    _login(page, "staff_tj")
    page.goto("/staff/applications/")
    page.click(f"text={app.number}")
    page.locator("#act-accept").locator("..").locator("button[type=submit]").click()
    assert "已受理" in page.locator("main").inner_text()
    _logout(page)

    # Beijing, the 办理地, sends the one-time 补正 notice
    _login(page, "staff_bj")
    page.goto("/staff/applications/")
    page.click(f"text={app.number}")
    section = page.locator("section", has=page.locator("#act-request_correction"))
    section.locator("#item-title_certificate").check()
    section.locator("#reason-title_certificate").fill("证书扫描件不清晰，请重新扫描上传")
    page.screenshot(path=str(shots / "staff_application.png"), full_page=True)
    section.locator("button[type=submit]").click()
    assert "待补正" in page.locator("main").inner_text()
    _logout(page)

    # the talent supplements
    _login(page, "talent_li")
    page.goto(f"/portal/applications/{app.pk}/")
    assert "证书扫描件不清晰" in page.locator(".notice").inner_text()
    assert "补正中，计时暂停" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "application_correction.png"), full_page=True)
    page.set_input_files("#id_m_title_certificate", _pdf("职称证书-清晰.pdf"))
    page.click("text=提交补正材料 >> nth=-1")
    page.wait_for_load_state()
    app.refresh_from_db()
    assert app.status == "accepted"
    _logout(page)

    # Beijing processes and completes with the result file
    _login(page, "staff_bj")
    page.goto(f"/staff/applications/{app.pk}/")
    page.locator("section", has=page.locator("#act-start_processing")).locator("button[type=submit]").click()
    complete = page.locator("section", has=page.locator("#act-complete"))
    complete.locator("#result-file").set_input_files(_pdf("互认结果.pdf"))
    complete.locator("button[type=submit]").click()
    assert "已办结" in page.locator("main").inner_text()
    _logout(page)

    # the talent downloads the result and rates the service
    _login(page, "talent_li")
    page.goto("/portal/applications/")
    page.click(f"text={app.number}")
    assert page.locator("text=下载办理结果").count() == 1
    page.check("input[name=score][value='5']")
    page.fill("#id_comment", "异地受理，不用跑北京，很方便")
    page.screenshot(path=str(shots / "application_rate.png"), full_page=True)
    page.click("text=提交评价")
    assert "您的评价：5 分" in page.locator("main").inner_text()
    app.refresh_from_db()
    assert app.status == "completed" and app.rating.score == 5


def test_enterprise_invites_recommended_expert_who_accepts_in_inbox(page, factory, make_user, shots, cache_cleared):
    """The enterprise asks for recommendations, reads the explanation, invites the expert; the expert accepts in
    their inbox with the declarations; the engagement is active on both sides."""
    from matching.holder import holder
    from matching.models import Engagement

    holder.reset()
    boss = make_user(username="langfang_corp")
    org = factory.organisation(actor=boss, division="131000", name="廊坊芯片封装有限公司")
    demand = factory.demand(organisation=org, status=Status.PUBLISHED, city="131003", title="芯片封装良率提升", headcount=1,
                            sharing_modes=["consulting", "remote"])
    expert_user = make_user(username="expert_wang")
    expert = factory.expert(name="王封装", industries=["3973"], disciplines=["F0406"], skills=["集成电路封装", "封装测试"])
    expert.person.user = expert_user
    expert.person.save()

    _login(page, "langfang_corp")
    page.goto(f"/portal/demands/{demand.pk}/")
    page.click("text=推荐专家与邀请")
    page.click("text=获取推荐专家")
    card = page.locator("li.card", has_text="王封装")
    assert "推荐理由" in card.inner_text()
    card.locator("summary", has_text="邀请该专家").click()
    card.locator("textarea[name$='-message']").fill("产线封装良率约92%，希望远程指导工艺优化")
    card.locator("select[name$='-proposed_mode']").select_option("remote")
    page.screenshot(path=str(shots / "demand_experts.png"), full_page=True)
    card.locator("button", has_text="发出邀请").click()
    assert "邀请已发出" in page.locator(".messages").inner_text()
    _logout(page)

    _login(page, "expert_wang")
    page.click("#site-nav >> text=通知")  # the invitation also arrives in the notification inbox
    assert "芯片封装良率提升" in page.locator("#notifications").inner_text()
    page.screenshot(path=str(shots / "notifications.png"), full_page=True)
    page.click("#site-nav >> text=邀请")
    invitation = page.locator("article", has_text="芯片封装良率提升")
    assert "产线封装良率约92%" in invitation.inner_text()
    invitation.locator("summary", has_text="接受邀请").click()
    invitation.locator("button", has_text="接受邀请").click()  # without the declarations: refused, next to the fields
    assert "请填写“利益冲突声明”" in page.locator("main").inner_text()
    invitation = page.locator("article", has_text="芯片封装良率提升")
    invitation.locator("textarea[name$='-coi_declaration']").fill("无")
    invitation.locator("input[name$='-confidentiality_undertaking']").check()
    page.screenshot(path=str(shots / "expert_inbox.png"), full_page=True)
    invitation.locator("button", has_text="接受邀请").click()
    page.wait_for_url("**/portal/engagements/")
    assert "进行中" in page.locator("main").inner_text()
    engagement = Engagement.objects.get()
    assert engagement.expert_id == expert.pk and engagement.mode == "remote" and engagement.status == "active"
    holder.reset()


def test_team_application_confirmed_by_the_named_member(page, factory, make_user, shots, cache_cleared):
    """组团服务: expert A applies to a demand naming expert B by number; B finds it under 组团确认 and confirms with
    the declarations (refused first without the undertaking, the message next to the field)."""
    from matching.holder import holder
    from matching.models import ApplicationMember

    holder.reset()
    boss = make_user(username="langfang_corp")
    org = factory.organisation(actor=boss, division="131000", name="廊坊芯片封装有限公司")
    demand = factory.demand(organisation=org, status=Status.PUBLISHED, city="131003", title="芯片封装良率提升", headcount=1,
                            sharing_modes=["consulting", "remote"])
    experts = {}
    for username, name in (("expert_lead", "李牵头"), ("expert_member", "赵成员")):
        user = make_user(username=username)
        expert = factory.expert(name=name, industries=["3973"], disciplines=["F0406"], skills=["集成电路封装", "封装测试"])
        expert.person.user = user
        expert.person.save()
        experts[username] = expert

    _login(page, "expert_lead")
    page.click("#site-nav >> text=推荐需求")
    page.click("text=获取推荐")
    card = page.locator("li.card", has_text="芯片封装良率提升")
    card.locator("summary", has_text="申请对接").click()
    card.locator("textarea[name$='-coi_declaration']").fill("无")
    card.locator("input[name$='-confidentiality_undertaking']").check()
    card.locator("input[name$='-team']").fill(str(experts["expert_member"].pk))
    card.locator("button", has_text="提交申请").click()
    assert "申请已提交" in page.locator(".messages").inner_text()
    _logout(page)

    _login(page, "expert_member")
    page.click("#site-nav >> text=组团确认")
    pending = page.locator("article", has_text="芯片封装良率提升")
    assert "李牵头" in pending.inner_text()
    page.screenshot(path=str(shots / "expert_teams.png"), full_page=True)
    # the invitation also arrives in the notification inbox, linking to the confirmation page
    page.click("#site-nav >> text=通知")
    item = page.locator("#notifications li", has_text="李牵头邀请您组团申请“芯片封装良率提升”")
    item.locator("button", has_text="查看").click()
    page.wait_for_url("**/portal/expert/teams/*/")
    page.fill("#id_c-coi_declaration", "与廊坊芯片封装有限公司无任职、投资或亲属关系")
    page.locator("button", has_text="确认加入").click()  # without the undertaking: refused, next to the checkbox
    assert "请阅读并作出保密承诺" in page.locator("#f-confidentiality_undertaking").inner_text()
    assert page.locator("#id_c-coi_declaration").input_value() == "与廊坊芯片封装有限公司无任职、投资或亲属关系"
    page.check("#id_c-confidentiality_undertaking")
    page.screenshot(path=str(shots / "team_confirm.png"), full_page=True)
    page.locator("button", has_text="确认加入").click()
    assert "您已确认加入该团队" in page.locator(".messages").inner_text()
    member = ApplicationMember.objects.get(expert=experts["expert_member"])
    assert member.confirmed_at is not None and member.application.demand_id == demand.pk
    holder.reset()


def test_recognition_applied_for_and_decided_by_the_target_region(page, make_user, staff_he, shots, cache_cleared):
    """职称互认: a Beijing title is to be recognised in Hebei; Hebei staff decide in their queue."""
    make_user(username="title_holder")
    _login(page, "title_holder")
    page.goto("/portal/recognitions/")
    page.select_option("#id_kind", "title_certificate")
    page.select_option("#id_origin_region", "11")
    page.select_option("#id_target_region", "13")
    page.select_option("#id_title_series", "engineering")
    page.fill("#id_qualification_name", "高级工程师")
    page.fill("#id_certificate_number", "京高评2019-0123")
    page.fill("#id_issuing_authority", "北京市人力资源和社会保障局")
    page.fill("#id_obtained_on", "2019-12-01")
    page.locator("main button", has_text="提交申请").click()  # the level is missing: the service says so next to it
    assert "请选择职称级别" in page.locator("#f-title_level").inner_text()
    page.select_option("#id_title_level", "senior")
    page.locator("main button", has_text="提交申请").click()
    assert "待认定" in page.locator("#mine").locator("xpath=following-sibling::*[1]").inner_text()
    page.screenshot(path=str(shots / "recognitions.png"), full_page=True)
    _logout(page)

    _login(page, "staff_he")
    page.click("#site-nav >> text=互认认定")
    card = page.locator("article", has_text="京高评2019-0123")
    card.locator("label", has_text="不予认可").click()
    card.locator("button", has_text="作出认定").click()  # no reason given: refused next to the note
    card = page.locator("article", has_text="京高评2019-0123")
    assert "不予认可须说明理由" in card.inner_text()
    card.locator("label", has_text="予以认可").first.click()
    card.locator("input[name$='-decision_number']").fill("冀人社认〔2026〕1号")
    page.screenshot(path=str(shots / "staff_recognitions.png"), full_page=True)
    card.locator("button", has_text="作出认定").click()
    assert "已作出认定" in page.locator(".messages").inner_text()
    assert "没有待认定的申请" in page.locator("main").inner_text()


UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))"""


def test_every_visible_control_has_a_label_and_one_h1(page, factory, make_user, cache_cleared, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_services", verbosity=0)
    user = make_user(username="a11y_corp")
    factory.organisation(actor=user)
    pages = ["/", "/demands/", "/experts/", "/accounts/login/", "/accounts/register/", "/accounts/password_reset/", "/portal/services/"]
    for url in pages:
        page.goto(url)
        assert page.evaluate(UNLABELLED_JS) == [], url
        assert page.locator("h1").count() == 1, url
    _login(page, "a11y_corp")
    for url in ["/portal/", "/portal/demands/new/", "/portal/org/register/", "/portal/expert/register/", "/portal/graduate/register/",
                "/portal/services/JJJ-ZC-001/apply/", "/portal/recognitions/"]:
        page.goto(url)
        page.evaluate("() => document.querySelectorAll('fieldset.step').forEach(s => s.hidden = false)")  # every step of the demand form
        assert page.evaluate(UNLABELLED_JS) == [], url
        assert page.locator("h1").count() == 1, url
    # the skip link reaches the main content by keyboard
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
