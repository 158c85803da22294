"""Loading the reference classifications shipped in registry/reference/ (see SOURCES.md there).

Idempotent: each table is upserted by code, parents before children, with materialised paths,
and the named division groups (雄安新区, 通武廊, …) are rebuilt from registry.domain.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import domain
from .models import Discipline, Division, DivisionGroup, Industry, Occupation

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def read_rows(filename: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / filename, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _with_paths(rows: list[dict], *, code="code", parent="parent_code") -> list[tuple[dict, str, int]]:
    """Each row with its path and depth, ordered parents first. Refuses orphans and cycles."""
    by_code = {r[code]: r for r in rows}
    paths: dict[str, str] = {}

    def path_of(c: str, seen=()) -> str:
        if c in paths:
            return paths[c]
        if c in seen:
            raise ValueError(f"reference cycle at {c}")
        p = by_code[c][parent]
        if p and p not in by_code:
            raise ValueError(f"reference row {c} names an unknown parent {p}")
        paths[c] = (path_of(p, (*seen, c)) + "/" + c) if p else c
        return paths[c]

    result = [(r, path_of(r[code]), path_of(r[code]).count("/")) for r in rows]
    result.sort(key=lambda t: t[2])
    return result


def _upsert(model, objects, update_fields):
    model.objects.bulk_create(objects, batch_size=1000, update_conflicts=True, unique_fields=["code"], update_fields=update_fields)


@dataclass
class LoadReport:
    divisions: int
    industries: int
    disciplines: int
    occupations: int
    groups: int


@transaction.atomic
def load_reference() -> LoadReport:
    divisions = []
    for row, path, depth in _with_paths(read_rows("jjj_divisions.csv")):
        divisions.append(
            Division(
                code=row["code"], name=row["name"], parent_id=row["parent_code"] or None, depth=depth, path=path,
                level=row["level"], short_name=row["short_name"], pinyin=row["pinyin"], region=row["code"][:2],
                lng=float(row["lng"]), lat=float(row["lat"]), coord_approx=row["coord_approx"] == "1",
            )
        )
    _upsert(Division, divisions, ["name", "parent", "depth", "path", "level", "short_name", "pinyin", "region", "lng", "lat", "coord_approx"])

    industries = []
    for row, path, depth in _with_paths(read_rows("gbt4754_2017_industries.csv")):
        industries.append(
            Industry(code=row["code"], name=row["name"], parent_id=row["parent_code"] or None, depth=depth, path=path, level=row["level"], section=path.split("/")[0])
        )
    _upsert(Industry, industries, ["name", "parent", "depth", "path", "level", "section"])

    disciplines = []
    for row, path, depth in _with_paths(read_rows("nsfc_disciplines.csv")):
        disciplines.append(
            Discipline(code=row["code"], name=row["name"], name_en=row["name_en"], parent_id=row["parent_code"] or None, depth=depth, path=path, is_leaf=row["is_leaf"] == "1")
        )
    _upsert(Discipline, disciplines, ["name", "name_en", "parent", "depth", "path", "is_leaf"])

    occupations = []
    for row, path, depth in _with_paths(read_rows("occupations_2022.csv")):
        occupations.append(Occupation(code=row["code"], name=row["name"], parent_id=row["parent_code"] or None, depth=depth, path=path, gbm=row["gbm"]))
    _upsert(Occupation, occupations, ["name", "parent", "depth", "path", "gbm"])

    for slug, name, name_en, codes in domain.DIVISION_GROUPS:
        group, _ = DivisionGroup.objects.update_or_create(slug=slug, defaults={"name": name, "name_en": name_en})
        group.members.set(codes)

    return LoadReport(len(divisions), len(industries), len(disciplines), len(occupations), len(domain.DIVISION_GROUPS))
