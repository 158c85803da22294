"""A partner's view: generate a Python client from the live schema with openapi-python-client, import it and
drive a live server with it — sync reference codes, bulk-upsert experts, page through a filtered feed, read one
record with its ETag, update it with If-Match, and read the problem details of a refused write."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def generated_client(tmp_path, live_server):
    import urllib.request

    schema = tmp_path / "schema.json"
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response:
        schema.write_bytes(response.read())
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\nproject_name_override: jjj_partner_client\npackage_name_override: jjj_partner_client\n")
    out = tmp_path / "jjj_partner_client"
    cli = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run([str(cli), "generate", "--path", str(schema), "--output-path", str(out), "--meta", "none", "--config", str(config)],
                   check=True, capture_output=True, timeout=120)
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("jjj_partner_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("jjj_partner_client")]:
            del sys.modules[name]


def test_partner_drives_the_api_through_a_generated_client(generated_client, live_server, make_key):
    from tests.support import factory as f

    pkg = generated_client
    api_v1 = importlib.import_module("jjj_partner_client.api.v1")
    ref = importlib.import_module("jjj_partner_client.api.reference")
    models = importlib.import_module("jjj_partner_client.models")
    key = make_key(region="11", partner="bj-talent-office", scopes=["experts:read", "experts:write"])
    client = pkg.AuthenticatedClient(base_url=live_server.url, token=key.clear, prefix="Api-Key", headers={"Accept-Language": "en"})

    # reference codes: Haidian is a county-level division of Beijing
    division = importlib.import_module("jjj_partner_client.api.reference.v1_divisions_retrieve").sync(code="110108", client=client)
    assert division.name == "海淀区" and division.parent == "110100"
    assert ref is not None

    # bulk upsert two experts (one bad row), by the partner's own ids
    bulk = importlib.import_module("jjj_partner_client.api.v1.v1_experts_bulk_create")
    rows = [
        models.ExpertIn(name=f"客户端专家{i}", id_number=f.id_number(8800 + i), employer_name="北京航空航天大学", home_division="110108",
                        sharing_modes=[models.SharingModesEnum.REMOTE], industries=["3912"], title_level=models.TitleLevelEnum.SENIOR,
                        serves_all_hebei=True, external_id=f"BUAA-{i}")
        for i in range(3)
    ]
    rows[2].home_division = "nowhere"
    result = bulk.sync_detailed(client=client, body=models.ExpertBulkIn(rows=rows), idempotency_key="sync-2026-11-23")
    assert result.status_code == 200
    assert [r.status.value for r in result.parsed.results] == ["created", "created", "error"]
    assert result.parsed.results[2].errors[0].field == "home_division"

    # the filtered feed, page by page
    listing = importlib.import_module("jjj_partner_client.api.v1.v1_experts_list")
    seen, cursor = [], None
    while True:
        page = listing.sync(client=client, division="110000", industry="39", min_title_level=models.V1ExpertsListMinTitleLevel.ASSOCIATE_SENIOR,
                            page_size=1, cursor=cursor if cursor else pkg.types.UNSET)
        seen += [e.external_id for e in page.results]
        if not page.next_:
            break
        cursor = page.next_.split("cursor=")[1].split("&")[0]
        import urllib.parse

        cursor = urllib.parse.unquote(cursor)
    assert sorted(seen) == ["BUAA-0", "BUAA-1"]

    # read one with its ETag; update it with If-Match; a stale tag is refused with 412
    expert_id = result.parsed.results[0].id
    detail = importlib.import_module("jjj_partner_client.api.v1.v1_experts_retrieve").sync_detailed(id=expert_id, client=client)
    etag = detail.headers["etag"]
    assert detail.parsed.personal.masked is True
    patch = importlib.import_module("jjj_partner_client.api.v1.v1_experts_partial_update")
    changed = patch.sync_detailed(id=expert_id, client=client, body=models.PatchedExpertUpdateIn(days_per_month=10), if_match=etag)
    assert changed.status_code == 200 and changed.parsed.days_per_month == 10
    stale = patch.sync_detailed(id=expert_id, client=client, body=models.PatchedExpertUpdateIn(days_per_month=11), if_match=etag)
    assert stale.status_code == 412 and isinstance(stale.parsed, models.Problem)

    # a refused write: the problem details, in English as asked
    create = importlib.import_module("jjj_partner_client.api.v1.v1_experts_create")
    bad = create.sync_detailed(client=client, body=models.ExpertIn(name="错号", id_number="110105198001010013", employer_name="x", home_division="110108",
                                                                  sharing_modes=[models.SharingModesEnum.REMOTE]))
    assert bad.status_code == 422
    assert bad.parsed.errors[0].code == "id_check" and bad.parsed.errors[0].message == "The ID number's check character is wrong"
    assert api_v1 is not None
