"""Reference classifications as code trees (pure; loaded from the CSVs).

Four trees: administrative divisions (GB/T 2260, with coordinates), industries
(GB/T 4754-2017: section > division > group > class), NSFC disciplines
(department letter > 3 > 5 > 7 characters) and occupations (2022 大典,
four levels).  Each tree maps a code to its path of ancestor codes, root
first, so proximity is "how deep is the deepest shared ancestor".
"""
from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "registry" / "reference"

INDUSTRY_LEVELS = ("section", "division", "group", "class")
INDUSTRY_LEVELS_ZH = ("门类", "大类", "中类", "小类")
DISCIPLINE_LEVELS_ZH = ("科学部", "一级代码", "二级代码", "三级代码")
OCCUPATION_LEVELS_ZH = ("大类", "中类", "小类", "职业")

HEBEI = "130000"


@dataclass(slots=True)
class Division:
    code: str
    parent: str
    level: str
    name: str
    short_name: str
    lng: float
    lat: float


@dataclass(slots=True)
class Node:
    code: str
    name: str
    parent: str
    level: int          # depth, 0 = root level of the tree
    name_en: str = ""


@dataclass
class Taxonomy:
    divisions: dict[str, Division] = field(default_factory=dict)
    industries: dict[str, Node] = field(default_factory=dict)
    disciplines: dict[str, Node] = field(default_factory=dict)
    occupations: dict[str, Node] = field(default_factory=dict)
    extra_terms: tuple[str, ...] = ()   # domain glossary for the tokenizer

    # ------------------------------------------------------------ loading
    @classmethod
    def from_reference_dir(cls, path: str | Path | None = None,
                           glossary: str | Path | None = None) -> "Taxonomy":
        base = Path(path) if path else REFERENCE_DIR
        tax = cls()
        with open(base / "jjj_divisions.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                tax.divisions[row["code"]] = Division(
                    row["code"], row["parent_code"], row["level"], row["name"],
                    row["short_name"], float(row["lng"]), float(row["lat"]))
        with open(base / "gbt4754_2017_industries.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                tax.industries[row["code"]] = Node(
                    row["code"], row["name"], row["parent_code"],
                    INDUSTRY_LEVELS.index(row["level"]))
        with open(base / "nsfc_disciplines.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = row["code"]
                tax.disciplines[code] = Node(code, row["name"], row["parent_code"] or code[0],
                                             _NSFC_DEPTH.get(len(code), 3), row["name_en"])
        # NSFC departments (科学部) are the letters; the CSV has no rows for them.
        for letter in sorted({c[0] for c in tax.disciplines}):
            tax.disciplines.setdefault(letter, Node(letter, f"{letter}科学部", "", 0, f"department {letter}"))
        with open(base / "occupations_2022.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                tax.occupations[row["code"]] = Node(
                    row["code"], row["name"], row["parent_code"], int(row["level"]) - 1)
        gpath = Path(glossary) if glossary else Path(__file__).with_name("glossary.txt")
        if gpath.exists():
            tax.extra_terms = tuple(
                line.strip() for line in gpath.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#"))
        return tax

    def fingerprint(self) -> str:
        h = hashlib.sha1()
        for tree in (self.industries, self.disciplines, self.occupations):
            h.update(str(len(tree)).encode())
            for code in sorted(tree)[:50]:
                h.update(code.encode())
        h.update("|".join(self.extra_terms).encode())
        return h.hexdigest()[:12]

    # ------------------------------------------------------------ paths
    def industry_path(self, code: str) -> list[str]:
        """Ancestor codes root first: e.g. '3973' -> ['C', '39', '397', '3973']."""
        code = (code or "").strip()
        if not code:
            return []
        if code.isalpha():
            return [code.upper()]
        path = [code[:n] for n in (2, 3, 4) if len(code) >= n]
        node = self.industries.get(path[0])
        # keep levels aligned (index 0 = section) even for a code not in the tree
        return [node.parent if node and node.parent else "?"] + path

    def discipline_path(self, code: str) -> list[str]:
        """'F040602' -> ['F', 'F04', 'F0406', 'F040602']."""
        code = (code or "").strip().upper()
        if not code:
            return []
        return [code[0]] + [code[:n] for n in (3, 5, 7) if len(code) >= n]

    def occupation_path(self, code: str) -> list[str]:
        """'2-02-38-09' -> ['2', '2-02', '2-02-38', '2-02-38-09']."""
        parts = (code or "").strip().split("-")
        if not parts or not parts[0]:
            return []
        return ["-".join(parts[:i + 1]) for i in range(len(parts))]

    # ------------------------------------------------------------ divisions
    def prefecture_of(self, code: str) -> str:
        """Prefecture-level code of a county or prefecture ('' for a province other than BJ/TJ)."""
        code = (code or "").strip()
        if len(code) != 6:
            return ""
        if code in ("110000", "120000"):
            return code[:2] + "0100"
        if code.endswith("0000"):
            return ""
        return code[:4] + "00"

    def region_of(self, code: str) -> str:
        """'110000' (Beijing), '120000' (Tianjin), '130000' (Hebei) or ''."""
        return (code[:2] + "0000") if code and code[:2] in ("11", "12", "13") else ""

    def prefecture_codes(self) -> list[str]:
        return sorted(c for c, d in self.divisions.items() if d.level == "prefecture")

    def hebei_prefectures(self) -> list[str]:
        return [c for c in self.prefecture_codes() if c.startswith("13")]

    def coordinates(self, code: str) -> tuple[float, float] | None:
        d = self.divisions.get(code) or self.divisions.get(self.prefecture_of(code))
        return (d.lng, d.lat) if d else None

    def division_name(self, code: str) -> str:
        d = self.divisions.get(code)
        if not d:
            return code
        if d.level == "county":
            parent = self.divisions.get(d.parent)
            if parent and parent.name != d.name and parent.code not in ("110100", "120100"):
                return parent.name + d.name
            province = self.divisions.get(code[:2] + "0000")
            return (province.name if province else "") + d.name
        return d.name

    # ------------------------------------------------------------ names
    def industry_name(self, code: str) -> str:
        n = self.industries.get(code)
        return n.name if n else code

    def discipline_name(self, code: str, en: bool = False) -> str:
        n = self.disciplines.get(code)
        if not n:
            return code
        return (n.name_en or n.name) if en else n.name

    def occupation_name(self, code: str) -> str:
        n = self.occupations.get(code)
        return n.name if n else code

    # ------------------------------------------------------------ dictionary
    def dictionary_terms(self) -> list[str]:
        """Terms for the tokenizer's user dictionary, derived from the taxonomy names.

        Names are split at enumerations (、 和 及 与 ...) and brackets, and
        generic heads (制造, 服务, 技术人员 ...) are also stripped, so that
        '集成电路制造' yields both '集成电路制造' and '集成电路'.  Very long
        names are kept only as their parts: a 14-character name as one token
        would hide the terms inside it.
        """
        terms: set[str] = set(self.extra_terms)
        names = [n.name for tree in (self.industries, self.disciplines, self.occupations)
                 for n in tree.values()]
        for name in names:
            for part in _SPLIT.split(name):
                part = _LEAD.sub("", part.strip())
                if not _CJK.search(part):
                    continue
                for cand in {part, _HEAD.sub("", part)}:
                    if 2 <= len(cand) <= 8 and not cand.isascii():
                        terms.add(cand)
        return sorted(terms)


_NSFC_DEPTH = {1: 0, 3: 1, 5: 2, 7: 3}
_SPLIT = re.compile(r"[、，,；;（）()\[\]【】/／\s]|(?<=.{2})(?:和|及|与|或|以及)(?=.{2})")
_LEAD = re.compile(r"^(?:其他|其它|基于|面向)")
_HEAD = re.compile(r"(?:工程技术人员|专业技术人员|技术人员|人员|制造|服务|生产|加工|研究|批发|零售|活动|业)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def haversine_km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in km (scalar; the engine uses a vectorised form)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


_DEFAULT: Taxonomy | None = None


def default_taxonomy() -> Taxonomy:
    """The taxonomy of registry/reference, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Taxonomy.from_reference_dir()
    return _DEFAULT
