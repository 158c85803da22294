"""Create, list and revoke partner API keys.

    manage.py api_key create --partner hebei-rsj --name "2026 主密钥" --region 13 --scopes demands:read,demands:write [--expires-days 365] [--rate 600/min]
    manage.py api_key list [--partner hebei-rsj]
    manage.py api_key revoke <prefix>

The clear key is printed once, at creation; only its hash is kept.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry import services
from registry.api_models import SCOPES, PartnerApiKey


class Command(BaseCommand):
    help = "创建、列出、吊销合作系统接口密钥 / Create, list and revoke partner API keys"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--partner", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--region", required=True, choices=["11", "12", "13"])
        create.add_argument("--scopes", required=True, help="逗号分隔 / comma-separated: " + ",".join(SCOPES))
        create.add_argument("--expires-days", type=int, default=None)
        create.add_argument("--rate", default="")
        lst = sub.add_parser("list")
        lst.add_argument("--partner", default="")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **opts):
        if action == "create":
            expires = timezone.now() + dt.timedelta(days=opts["expires_days"]) if opts["expires_days"] else None
            try:
                key, clear = services.api_key_create(
                    partner=opts["partner"], name=opts["name"], region=opts["region"], scopes=[s.strip() for s in opts["scopes"].split(",") if s.strip()],
                    expires_at=expires, throttle_rate=opts["rate"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(f"{f}: {', '.join(m)}" for f, m in exc.message_dict.items())) from None
            self.stdout.write(f"created {key.prefix} for {key.partner_code} (region {key.region}; scopes {', '.join(key.scopes)})")
            self.stdout.write("key (shown once, store it now):")
            self.stdout.write(clear)
        elif action == "list":
            qs = PartnerApiKey.objects.select_related("partner")
            if opts["partner"]:
                qs = qs.filter(partner__username=opts["partner"])
            for key in qs:
                state = "revoked" if key.revoked_at else ("expired" if not key.is_usable else "active")
                self.stdout.write(f"{key.prefix}  {key.partner_code:20}  {key.region}  {state:8}  {key.name}  [{', '.join(key.scopes)}]  last used {key.last_used_at or '-'}")
        else:
            key = PartnerApiKey.objects.filter(prefix=opts["prefix"]).first()
            if key is None:
                raise CommandError(f"no key with prefix {opts['prefix']}")
            services.api_key_revoke(key=key)
            self.stdout.write(f"revoked {key.prefix} ({key.partner_code})")
