"""The admin import page: who may use it, what an upload does, what a bad upload does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registry.models import Expert, ImportJob
from tests.registry.test_importing import EXPERT_HEADERS, expert_row
from tests.support.sheets import csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def eager_tasks():
    """Run the import task in-process even when REDIS_URL points at a real broker (no worker in the test run)."""
    from jjjtalent.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def registry_staff(make_user):
    from registry import demo

    def make(region, **kw):
        user = make_user(region=region, staff=True, **kw)
        user.groups.add(demo.staff_group())
        return user

    return make


def upload(client, data, name="experts.csv", mode="all-or-nothing"):
    return client.post(reverse("admin:registry_expert_import"), {"file": SimpleUploadedFile(name, data), "mode": mode})


def test_anonymous_is_sent_to_login(client, reference):
    response = client.get(reverse("admin:registry_expert_import"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_without_add_permission_is_refused(client, make_user, reference):
    user = make_user(region="11", staff=True)  # staff, but no registry permissions
    client.force_login(user)
    assert client.get(reverse("admin:registry_expert_import")).status_code == 403
    assert upload(client, csv_bytes(EXPERT_HEADERS, [expert_row(1)])).status_code == 403
    assert client.get(reverse("admin:registry_expert_import_template", args=["xlsx"])).status_code == 403
    assert not Expert.objects.exists() and not ImportJob.objects.exists()


def test_changelist_links_to_the_import_page(client, registry_staff):
    client.force_login(registry_staff("11"))
    page = client.get(reverse("admin:registry_expert_changelist")).content.decode()
    assert reverse("admin:registry_expert_import") in page


def test_upload_runs_the_import_and_shows_the_report(client, registry_staff, django_capture_on_commit_callbacks):
    client.force_login(registry_staff("11"))
    assert client.get(reverse("admin:registry_expert_import")).status_code == 200
    data = xlsx_bytes(EXPERT_HEADERS, [expert_row(1), expert_row(2, 行业代码="9999")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, data, name="experts.xlsx", mode="good-rows")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:registry_importjob_change", args=[job.pk])
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and (job.imported_rows, job.failed_rows) == (1, 1) and job.progress == 100
    assert not job.file  # the uploaded file (personal data) is not kept
    assert Expert.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "未知的行业代码：9999" in page and "导入 1 行" in page
    report = client.get(reverse("admin:registry_importjob_report", args=[job.pk]))
    assert report.status_code == 200 and "未知的行业代码" in report.content.decode("utf-8-sig")
    assert expert_row(1)[1] not in page  # no ID number in the page


def test_upload_of_other_region_rows_is_reported(client, registry_staff, django_capture_on_commit_callbacks):
    client.force_login(registry_staff("13"))
    assert "您是河北的工作人员" in client.get(reverse("admin:registry_expert_import")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_bytes(EXPERT_HEADERS, [expert_row(1)]))
    job = ImportJob.objects.get()
    assert job.imported_rows == 0 and job.report["errors"][0]["code"] == "other_region"
    assert not Expert.objects.exists()


def test_fifty_megabyte_upload_is_refused_and_nothing_saved(client, registry_staff):
    client.force_login(registry_staff("11"))
    response = upload(client, b"x" * (50 * 1024 * 1024), name="huge.csv")
    assert response.status_code == 200
    assert "超过上限 10 MB" in response.content.decode()
    assert not ImportJob.objects.exists() and not Expert.objects.exists()


def test_a_picture_is_refused(client, registry_staff):
    client.force_login(registry_staff("11"))
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="photo.png")
    assert "请上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_bad_file_content_fails_the_job_with_its_reason(client, registry_staff, django_capture_on_commit_callbacks):
    client.force_login(registry_staff("11"))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "姓名\n张三\n".encode(), name="short.csv")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and "缺少必填列" in job.error
    assert not Expert.objects.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_templates_download(client, registry_staff, fmt):
    client.force_login(registry_staff("13"))
    response = client.get(reverse("admin:registry_demand_import_template", args=[fmt]))
    assert response.status_code == 200 and f"import-demand.{fmt}" in response["Content-Disposition"]
