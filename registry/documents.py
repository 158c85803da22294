"""The experts' list documents on PostgreSQL (:class:`registry.models.ExpertListDocument`).

A page of ``GET /api/v1/experts/`` is the JSON of up to 500 experts, each with three code lists, the decoded
sharing modes and the person's name. Building that per request costs PostgreSQL about 1 ms a page of 50; reading
it ready-made costs a tenth. So each expert's JSON is kept as a row of its own, written by triggers in the same
transaction as the change that alters it, whichever path makes the change (services, ``QuerySet.update``,
``bulk_create``, ``COPY`` in ``seed_demo``, the admin, a migration):

* ``registry_expert``: insert and update refresh the rows' documents, delete removes them;
* the three code-list tables (industries, disciplines, served cities): insert and delete refresh the experts
  concerned;
* ``registry_person``: an update refreshes the experts of those persons (name, gender, birth year; an erasure).

The triggers are statement-level with transition tables, so a bulk statement refreshes all its experts in one
statement. The JSON expression is :func:`registry.selectors.expert_json_sql` — the same one the list used to
build per request, tested against ``ExpertOut`` — and is installed after every ``migrate`` (``post_migrate``):
when it differs from the installed one (a new field, another order of the sharing modes), the functions are
replaced and every document rebuilt. The list still falls back to building the JSON for a row whose document is
missing, so a document can be late but never wrong in shape.
"""

from __future__ import annotations

import hashlib

from django.db import connections

FUNCTION = "registry_expert_docs_refresh"


def _sql() -> tuple[str, list[str]]:
    from .models import Expert, ExpertListDocument, Person
    from .selectors import expert_json_sql

    expert, person, doc = Expert._meta.db_table, Person._meta.db_table, ExpertListDocument._meta.db_table
    refresh = (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(ids bigint[]) RETURNS void LANGUAGE sql AS $$ "
        f"INSERT INTO {doc} (expert_id, body) SELECT e.id, {expert_json_sql()}::text FROM {expert} e "
        f"JOIN {person} p ON p.id = e.person_id WHERE e.id = ANY(ids) "
        f"ON CONFLICT (expert_id) DO UPDATE SET body = EXCLUDED.body $$"
    )
    functions = {
        "registry_expert_docs_t_experts": f"PERFORM {FUNCTION}(ARRAY(SELECT id FROM changed));",
        "registry_expert_docs_t_deleted": f"DELETE FROM {doc} WHERE expert_id IN (SELECT id FROM changed);",
        "registry_expert_docs_t_links": f"PERFORM {FUNCTION}(ARRAY(SELECT DISTINCT expert_id FROM changed));",
        "registry_expert_docs_t_persons": f"PERFORM {FUNCTION}(ARRAY(SELECT e.id FROM {expert} e JOIN changed c ON e.person_id = c.id));",
    }
    statements = [refresh]
    for name, body in functions.items():
        statements.append(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$")
    triggers = [(expert, "INSERT", "NEW", "registry_expert_docs_t_experts"), (expert, "UPDATE", "NEW", "registry_expert_docs_t_experts"),
                (expert, "DELETE", "OLD", "registry_expert_docs_t_deleted"), (person, "UPDATE", "NEW", "registry_expert_docs_t_persons")]
    for name in ("industries", "disciplines", "served_cities"):
        table = Expert._meta.get_field(name).m2m_db_table()
        triggers += [(table, "INSERT", "NEW", "registry_expert_docs_t_links"), (table, "DELETE", "OLD", "registry_expert_docs_t_links")]
    for table, event, side, function in triggers:
        trigger = f"{table}_docs_{event.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        statements.append(f"CREATE TRIGGER {trigger} AFTER {event} ON {table} REFERENCING {side} TABLE AS changed "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    return refresh, statements


def install(using: str = "default", *, force: bool = False) -> bool:
    """Install (or replace) the functions and triggers and rebuild every document when the JSON expression
    changed. True when it rebuilt. Nothing on other databases than PostgreSQL."""
    from .models import Expert, ExpertListDocument

    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    refresh, statements = _sql()
    digest = hashlib.sha256("\n".join(statements).encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description(to_regprocedure(%s), 'pg_proc')", [f"{FUNCTION}(bigint[])"])
        installed = cursor.fetchone()[0]
        if installed == digest and not force:
            return False
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(f"COMMENT ON FUNCTION {FUNCTION}(bigint[]) IS %s", [digest])
        cursor.execute(f"TRUNCATE {ExpertListDocument._meta.db_table}")
        cursor.execute(f"SELECT {FUNCTION}(ARRAY(SELECT id FROM {Expert._meta.db_table}))")
    return True


def install_on_migrate(sender, using="default", **kwargs) -> None:
    install(using)
