"""Trigram indexes for the API's full-text ``q`` on PostgreSQL (no-op elsewhere).

The API searches Chinese text with ``icontains``, which Django renders on PostgreSQL as
``UPPER(col::text) LIKE UPPER('%q%')``; a pg_trgm GIN index on the same expression serves it for
queries of three characters or more (shorter ones stay correct, by a scan).
"""

from django.db import migrations

INDEXES = [
    ("api_trgm_person_name", "registry_person", "name"),
    ("api_trgm_expert_employer", "registry_expert", "employer_name"),
    ("api_trgm_expert_research", "registry_expert", "research_areas"),
    ("api_trgm_expert_skills", "registry_expert", "skills"),
    ("api_trgm_demand_title", "registry_demand", "title"),
    ("api_trgm_demand_description", "registry_demand", "description"),
    ("api_trgm_org_name", "registry_organisation", "name"),
    ("api_trgm_graduate_major", "registry_graduate", "major"),
    ("api_trgm_graduate_school", "registry_graduate", "school"),
    ("api_trgm_talent_programme", "registry_highleveltalent", "programme"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_partner_api")]
    operations = [migrations.RunPython(forwards, backwards)]
