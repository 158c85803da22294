"""Load the 同事同标 catalogue (services/catalogue_data.py): idempotent. A new item is created and published;
an item whose published standard differs from the data gets a new published version; contacts are upserted."""

from django.core.management.base import BaseCommand
from django.db import transaction

from services import catalogue_data, services
from services.models import ServiceItem


class Command(BaseCommand):
    help = "载入同事同标事项目录（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="同时为 seed_demo 的演示账号生成通办申请和人才卡，并为区域工作人员组授权")

    @transaction.atomic
    def handle(self, *args, **options):
        created = updated = unchanged = 0
        for entry in catalogue_data.ITEMS:
            item = ServiceItem.objects.filter(code=entry["code"]).first()
            if item is None:
                version = services.item_create(actor=None, code=entry["code"], category=entry["category"], batch=entry["batch"], **entry["standard"])
                services.standard_publish(actor=None, version=version, published_on=entry["published_on"])
                item = version.item
                created += 1
            else:
                current = item.current_version
                if current is None or current.standard() != entry["standard"]:
                    draft = item.versions.filter(status="draft").first()
                    if draft is not None:
                        draft = services.standard_update_draft(actor=None, version=draft, **entry["standard"])
                    else:
                        draft = services.standard_new_version(actor=None, item=item, change_note="目录数据更新", **entry["standard"])
                    services.standard_publish(actor=None, version=draft)
                    updated += 1
                else:
                    unchanged += 1
            for region, (department, address, phone, hours) in catalogue_data.CONTACTS.items():
                services.regional_contact_set(actor=None, item=item, region=region, department=department, address=address, phone=phone, hours=hours)
        self.stdout.write(f"同事同标事项：新增 {created}，更新 {updated}，未变 {unchanged}")
        if options.get("demo"):
            from services import demo

            granted = demo.grant_staff_permissions()
            made = demo.seed()
            self.stdout.write(f"演示数据：通办申请 {made['applications']}，人才卡 {made['cards']}；区域工作人员组授权：{'是' if granted else '否（未找到该组）'}")
