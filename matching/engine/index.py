"""The matching index: experts and demands as numpy arrays, queried both ways.

    index = ExpertIndex.build(experts, taxonomy, demands=demands)
    index.top_k(demand, k=10)            # experts for a demand
    index.demands_for_expert(expert_id)  # 推荐需求
    index.upsert_expert(rec); index.remove_expert(expert_id)   # incremental

Records are "prepared" once (tokenised, codes turned into node ids) and kept;
the searchable arrays live in segments: a large main segment and a small
delta segment that takes upserts, rebuilt from the prepared records in
milliseconds.  A replaced or removed record is tombstoned in the main
segment; when the delta grows past a threshold both are merged.  A change is
therefore visible to the very next query without a full rebuild.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
from scipy import sparse

from . import explain as _explain
from .acceptance import DEFAULT_PRIOR_RATE, AcceptanceModel, logit
from .modes import MODE_CODES
from .records import DEMAND_KINDS, DemandRecord, ExpertRecord
from .rules import (
    DATE_MAX,
    DATE_MIN,
    RULE_MESSAGES_EN,
    RULE_MESSAGES_ZH,
    failed_rules,
    passes,
)
from .scores import (
    COMPONENTS,
    DISCIPLINE_TABLE,
    INDUSTRY_TABLE,
    combine,
    distance_km,
    free_capacity,
    mode_distance,
    normalise_weights,
    rating_score,
    title_fit,
)
from .taxonomy import HEBEI, Taxonomy
from .text import CorpusStats, Vocabulary, query_weights, tokenizer_for

ENGINE_VERSION = "1.0"

# Field weights: how much an occurrence of a term counts, by where it occurs.
EXPERT_FIELD_WEIGHTS = {"skills": 2.0, "research_areas": 2.0, "achievements": 1.0, "fields": 1.0}
DEMAND_FIELD_WEIGHTS = {"required_skills": 2.0, "title": 1.5, "description": 1.0}

_NO_ORG = -1
_STATIC_RULES = ("not_verified", "demand_closed", "at_capacity")   # checked once per segment / per query
_UNKNOWN_CITY_BIT = 30   # a bit no expert has: the city is not a known prefecture


def day(value: dt.date | None, default: np.int32) -> int:
    return int(default) if value is None else value.toordinal()


class CodeSpace:
    """Code -> dense node id for one tree (ids of the taxonomy first, unknown codes appended)."""

    def __init__(self, codes: Iterable[str] = ()):
        self.ids: dict[str, int] = {}
        self.codes: list[str] = []
        for c in codes:
            self.id(c)

    def id(self, code: str) -> int:
        i = self.ids.get(code)
        if i is None:
            i = len(self.codes)
            self.ids[code] = i
            self.codes.append(code)
        return i

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(slots=True)
class PreparedExpert:
    id: int
    org: int
    verified: bool
    modes: int
    served: int
    title: int
    avail_from: int
    avail_to: int
    capacity: int
    active: int
    rating_avg: float
    rating_count: int
    acc_prior: float
    xyz: tuple[float, float, float]
    home: str
    terms: np.ndarray          # int32 term ids (unique)
    tfs: np.ndarray            # float32 weighted term frequencies
    length: float
    ind_nodes: np.ndarray      # int32 node ids, codes and their ancestors
    disc_nodes: np.ndarray
    name: str = ""

    def rule_dict(self) -> dict:
        return {"verified": self.verified, "modes": self.modes, "served": self.served,
                "avail_from": self.avail_from, "avail_to": self.avail_to,
                "capacity": self.capacity, "active": self.active, "org": self.org,
                "title": self.title}


@dataclass(slots=True)
class PreparedDemand:
    id: int
    org: int
    open: bool
    modes: int
    pref_bit: int
    city: str
    xyz: tuple[float, float, float]
    start: int
    end: int
    headcount: int
    min_title: int
    kind: int
    ind_path: tuple[int, ...]               # node ids root first (len = depth)
    disc_paths: tuple[tuple[int, ...], ...]
    occ_paths: tuple[tuple[int, ...], ...]
    min_degree: int
    terms: np.ndarray                        # int32 known term ids
    weights: np.ndarray                      # float32 query weights of those terms
    unknown_weight: float                    # summed weight of terms absent from the vocabulary
    title: str = ""

    def rule_dict(self) -> dict:
        return {"open": self.open, "modes": self.modes, "pref_bit": self.pref_bit,
                "start": self.start, "end": self.end, "org": self.org,
                "min_title": self.min_title}

    @property
    def has_text(self) -> bool:
        return len(self.terms) > 0 or self.unknown_weight > 0


# --------------------------------------------------------------------------- segments

def _csc(rows_terms: list[np.ndarray], rows_vals: list[np.ndarray] | None, n_cols: int,
         dtype=np.float32) -> sparse.csc_matrix:
    n = len(rows_terms)
    lengths = np.fromiter((len(t) for t in rows_terms), dtype=np.int64, count=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = np.concatenate(rows_terms).astype(np.int32) if n else np.zeros(0, np.int32)
    if rows_vals is None:
        data = np.ones(len(indices), dtype=dtype)
    else:
        data = np.concatenate(rows_vals).astype(dtype) if n else np.zeros(0, dtype)
    m = sparse.csr_matrix((data, indices, indptr), shape=(n, max(n_cols, 1)))
    return m.tocsc()


class _Columns:
    """Raw CSC access: rows (and values) of one column without scipy overhead."""

    __slots__ = ("indptr", "indices", "data", "n_cols")

    def __init__(self, m: sparse.csc_matrix):
        self.indptr = m.indptr
        self.indices = m.indices
        self.data = m.data
        self.n_cols = m.shape[1]

    def rows(self, col: int) -> np.ndarray:
        if col < 0 or col >= self.n_cols:
            return self.indices[:0]
        return self.indices[self.indptr[col]:self.indptr[col + 1]]

    def gather(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, values, position of the column in `cols`) for all entries of `cols`."""
        cols = np.asarray(cols, dtype=np.int64)
        cols_ok = cols[(cols >= 0) & (cols < self.n_cols)] if len(cols) else cols
        if len(cols_ok) != len(cols):
            keep = np.flatnonzero((cols >= 0) & (cols < self.n_cols))
        else:
            keep = np.arange(len(cols))
        starts = self.indptr[cols[keep]]
        ends = self.indptr[cols[keep] + 1]
        lens = ends - starts
        total = int(lens.sum())
        if total == 0:
            e = self.indices[:0]
            return e, self.data[:0], np.zeros(0, np.int64)
        # indices of all entries: concatenated ranges
        offs = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
        pos = np.arange(total, dtype=np.int64) + offs
        which = np.repeat(keep, lens)
        return self.indices[pos], self.data[pos], which


class ExpertSegment:
    def __init__(self, items: list[PreparedExpert], n_terms: int, n_ind: int, n_disc: int):
        n = len(items)
        self.n = n
        self.ids = np.fromiter((p.id for p in items), dtype=np.int64, count=n)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self.alive = np.ones(n, dtype=bool)
        self.org = np.fromiter((p.org for p in items), dtype=np.int64, count=n)
        self.verified = np.fromiter((p.verified for p in items), dtype=bool, count=n)
        self.modes = np.fromiter((p.modes for p in items), dtype=np.int32, count=n)
        self.served = np.fromiter((p.served for p in items), dtype=np.int32, count=n)
        self.title = np.fromiter((p.title for p in items), dtype=np.int8, count=n)
        self.avail_from = np.fromiter((p.avail_from for p in items), dtype=np.int32, count=n)
        self.avail_to = np.fromiter((p.avail_to for p in items), dtype=np.int32, count=n)
        self.capacity = np.fromiter((p.capacity for p in items), dtype=np.int32, count=n)
        self.active = np.fromiter((p.active for p in items), dtype=np.int32, count=n)
        ravg = np.fromiter((p.rating_avg for p in items), dtype=np.float32, count=n)
        rcnt = np.fromiter((p.rating_count for p in items), dtype=np.float32, count=n)
        self.rating_score = rating_score(ravg, rcnt)
        self.acc_prior = np.fromiter((p.acc_prior for p in items), dtype=np.float32, count=n)
        self.xyz = np.array([p.xyz for p in items], dtype=np.float64).reshape(n, 3)
        self.length = np.fromiter((p.length for p in items), dtype=np.float32, count=n)
        self.tf = _Columns(_csc([p.terms for p in items], [p.tfs for p in items], n_terms))
        self.ind = _Columns(_csc([p.ind_nodes for p in items], None, n_ind, np.int8))
        self.disc = _Columns(_csc([p.disc_nodes for p in items], None, n_disc, np.int8))
        self._static: np.ndarray | None = None
        self._dist_cache: dict[tuple, np.ndarray] = {}

    def invalidate(self) -> None:
        """Call after changing alive / active / capacity in place."""
        self._static = None

    def static_ok(self) -> np.ndarray:
        """Rows that pass the rules not depending on the demand: alive, verified, below capacity."""
        if self._static is None:
            self._static = self.alive & self.verified & (self.active < self.capacity)
        return self._static

    def distances(self, point: tuple[float, float, float]) -> np.ndarray:
        """Distance (km) from every row to a point; cached per point (demands share a few hundred cities)."""
        got = self._dist_cache.get(point)
        if got is None:
            if len(self._dist_cache) >= 512:
                self._dist_cache.clear()
            got = distance_km(self.xyz, np.asarray(point, dtype=np.float64))
            self._dist_cache[point] = got
        return got

    def rule_arrays(self) -> dict:
        return {"verified": self.verified, "modes": self.modes, "served": self.served,
                "avail_from": self.avail_from, "avail_to": self.avail_to,
                "capacity": self.capacity, "active": self.active, "org": self.org,
                "title": self.title}


def _pad(paths: list[tuple[tuple[int, ...], ...]], width: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(n, m, width) node ids padded with -1 and (n, m) depths."""
    n = len(paths)
    m = max((len(p) for p in paths), default=0) or 1
    out = np.full((n, m, width), -1, dtype=np.int32)
    depth = np.zeros((n, m), dtype=np.int8)
    for r, codes in enumerate(paths):
        for j, path in enumerate(codes):
            out[r, j, :len(path)] = path
            depth[r, j] = len(path)
    return out, depth


class DemandSegment:
    def __init__(self, items: list[PreparedDemand], n_terms: int):
        n = len(items)
        self.n = n
        self.ids = np.fromiter((p.id for p in items), dtype=np.int64, count=n)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self.alive = np.ones(n, dtype=bool)
        self.org = np.fromiter((p.org for p in items), dtype=np.int64, count=n)
        self.open = np.fromiter((p.open for p in items), dtype=bool, count=n)
        self.modes = np.fromiter((p.modes for p in items), dtype=np.int32, count=n)
        self.pref_bit = np.fromiter((p.pref_bit for p in items), dtype=np.int32, count=n)
        self.start = np.fromiter((p.start for p in items), dtype=np.int32, count=n)
        self.end = np.fromiter((p.end for p in items), dtype=np.int32, count=n)
        self.min_title = np.fromiter((p.min_title for p in items), dtype=np.int8, count=n)
        self.kind = np.fromiter((p.kind for p in items), dtype=np.int8, count=n)
        self.min_degree = np.fromiter((p.min_degree for p in items), dtype=np.int8, count=n)
        self.headcount = np.fromiter((p.headcount for p in items), dtype=np.int32, count=n)
        self.xyz = np.array([p.xyz for p in items], dtype=np.float64).reshape(n, 3)
        ind, ind_depth = _pad([(p.ind_path,) if p.ind_path else () for p in items])
        self.ind_path, self.ind_depth = ind[:, 0, :], ind_depth[:, 0]
        self.disc_paths, self.disc_depth = _pad([p.disc_paths for p in items])
        self.occ_paths, self.occ_depth = _pad([p.occ_paths for p in items])
        w = _csc([p.terms for p in items], [p.weights for p in items], n_terms)
        self.w_cols = _Columns(w)
        self.w_rows = w.tocsr()
        self.unknown_weight = np.fromiter((p.unknown_weight for p in items), dtype=np.float32, count=n)

    def rule_arrays(self) -> dict:
        return {"open": self.open, "modes": self.modes, "pref_bit": self.pref_bit,
                "start": self.start, "end": self.end, "org": self.org,
                "min_title": self.min_title}


class SegmentedStore:
    """Prepared records plus a main and a delta segment over them. With ``stats`` (the BM25 corpus statistics of
    the documents this store holds) every load, upsert and removal keeps those statistics in step."""

    def __init__(self, build_segment, min_delta: int = 256, delta_fraction: float = 0.02, stats=None):
        self._build = build_segment
        self.stats = stats
        self.prepared: dict[int, object] = {}
        self.main = None
        self.delta = None
        self.delta_ids: list[int] = []
        self.min_delta = min_delta
        self.delta_fraction = delta_fraction
        self.merges = 0

    def __len__(self) -> int:
        return len(self.prepared)

    def __contains__(self, key: int) -> bool:
        return key in self.prepared

    def load(self, items: Iterable) -> None:
        self.prepared = {p.id: p for p in items}
        if self.stats is not None:
            for p in self.prepared.values():
                self.stats.add(p.terms, p.length)
        self.rebuild()

    def rebuild(self) -> None:
        self.main = self._build(list(self.prepared.values()))
        self.delta = None
        self.delta_ids = []
        self.merges += 1

    def segments(self) -> list:
        return [s for s in (self.main, self.delta) if s is not None and s.n]

    def locate(self, key: int):
        for seg in self.segments():
            r = seg.row_of.get(key)
            if r is not None and seg.alive[r]:
                return seg, r
        return None, None

    def _drop(self, key: int) -> None:
        if self.main is not None:
            r = self.main.row_of.get(key)
            if r is not None:
                self.main.alive[r] = False
                if hasattr(self.main, "invalidate"):
                    self.main.invalidate()
        if key in self.delta_ids:
            self.delta_ids.remove(key)

    def upsert(self, item) -> None:
        old = self.prepared.get(item.id)
        if old is not None:
            self._drop(item.id)
            if self.stats is not None:
                self.stats.remove(old.terms, old.length)
        if self.stats is not None:
            self.stats.add(item.terms, item.length)
        self.prepared[item.id] = item
        self.delta_ids.append(item.id)
        self._after_change()

    def remove(self, key: int):
        item = self.prepared.pop(key, None)
        if item is not None:
            if self.stats is not None:
                self.stats.remove(item.terms, item.length)
            in_delta = key in self.delta_ids
            self._drop(key)
            if in_delta:
                self._after_change()
        return item

    def _after_change(self) -> None:
        if len(self.delta_ids) > max(self.min_delta, self.delta_fraction * len(self.prepared)):
            self.rebuild()
        else:
            self.delta = self._build([self.prepared[i] for i in self.delta_ids]) if self.delta_ids else None


# --------------------------------------------------------------------------- results

@dataclass
class Match:
    """One proposed pair, with everything needed to explain it."""
    expert_id: int
    demand_id: int
    score: float
    rank: int
    components: dict[str, float | None]
    matched_terms: list[str] = field(default_factory=list)
    matched_industry: dict | None = None        # {"code", "name", "level", "exact"}
    matched_disciplines: list[dict] = field(default_factory=list)
    distance_km: float | None = None
    mode: str | None = None                     # the common mode the distance score used
    explanation_zh: str = ""
    explanation_en: str = ""
    engine_version: str = ENGINE_VERSION

    def to_dict(self) -> dict:
        return {
            "expert_id": self.expert_id, "demand_id": self.demand_id,
            "score": round(self.score, 4), "rank": self.rank,
            "components": {k: (None if v is None else round(v, 4)) for k, v in self.components.items()},
            "matched_terms": self.matched_terms,
            "matched_industry": self.matched_industry,
            "matched_disciplines": self.matched_disciplines,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "mode": self.mode,
            "explanation_zh": self.explanation_zh, "explanation_en": self.explanation_en,
            "engine_version": self.engine_version,
        }


@dataclass
class _Scored:
    """Scores of the eligible rows of one segment for one query."""
    seg: object
    rows: np.ndarray
    total: np.ndarray
    comps: dict[str, np.ndarray]
    defined: dict[str, bool | np.ndarray]
    ind_level: np.ndarray | None
    disc_levels: np.ndarray | None   # (rows, n demand codes) shared level per demand code
    dist: np.ndarray | None
    mode: np.ndarray | None


# --------------------------------------------------------------------------- the index

class ExpertIndex:
    """Experts (and, for the reverse direction, demands) ready to be matched."""

    def __init__(self, taxonomy: Taxonomy, weights: dict[str, float] | None = None,
                 acceptance_model: AcceptanceModel | None = None,
                 default_acceptance: float = DEFAULT_PRIOR_RATE):
        self.taxonomy = taxonomy
        self.weights = normalise_weights(weights)
        self.acceptance_model = acceptance_model
        self.default_acceptance = float(default_acceptance)
        self.tokenizer = tokenizer_for(taxonomy)
        self.vocab = Vocabulary()
        self.stats = CorpusStats()
        self.ind_space = CodeSpace(taxonomy.industries)
        self.disc_space = CodeSpace(taxonomy.disciplines)
        self.occ_space = CodeSpace(taxonomy.occupations)
        prefs = taxonomy.prefecture_codes()
        self.pref_bit = {code: i for i, code in enumerate(prefs)}
        self.hebei_wide_bit = len(prefs)
        self.all_hebei_mask = (1 << self.hebei_wide_bit)
        for code in taxonomy.hebei_prefectures():
            self.all_hebei_mask |= 1 << self.pref_bit[code]
        self.experts = SegmentedStore(self._expert_segment, stats=self.stats)
        self.demands = SegmentedStore(self._demand_segment)
        self.version = 0

    # ------------------------------------------------------------ building
    @classmethod
    def build(cls, experts: Iterable[ExpertRecord], taxonomy: Taxonomy,
              demands: Iterable[DemandRecord] = (), **kwargs) -> "ExpertIndex":
        index = cls(taxonomy, **kwargs)
        index.experts.load(index.prepare_expert(rec) for rec in experts)
        index.demands.load(index.prepare_demand(d, register_terms=True) for d in demands)
        return index

    def _expert_segment(self, items):
        return ExpertSegment(items, len(self.vocab), len(self.ind_space), len(self.disc_space))

    def _demand_segment(self, items):
        return DemandSegment(items, len(self.vocab))

    def _xyz(self, lng, lat, code) -> tuple[float, float, float]:
        if lng is None or lat is None:
            c = self.taxonomy.coordinates(code) if code else None
            if c is None:
                return (math.nan, math.nan, math.nan)
            lng, lat = c
        lng_r, lat_r = math.radians(lng), math.radians(lat)
        c = math.cos(lat_r)
        return (c * math.cos(lng_r), c * math.sin(lng_r), math.sin(lat_r))

    def served_mask(self, prefectures: Iterable[str], all_hebei: bool) -> int:
        mask = self.all_hebei_mask if all_hebei else 0
        for code in prefectures:
            pref = self.taxonomy.prefecture_of(code) or code
            bit = self.pref_bit.get(pref)
            if bit is not None:
                mask |= 1 << bit
        return mask

    def city_bit(self, city_code: str) -> int:
        if not city_code:
            return -1
        if city_code == HEBEI:
            return self.hebei_wide_bit
        return self.pref_bit.get(self.taxonomy.prefecture_of(city_code), _UNKNOWN_CITY_BIT)

    def _nodes(self, codes: Iterable[str], path_fn, space: CodeSpace) -> np.ndarray:
        nodes = set()
        for code in codes:
            for node in path_fn(code):
                nodes.add(space.id(node))
        return np.fromiter(sorted(nodes), dtype=np.int32, count=len(nodes))

    def expert_fields(self, rec: ExpertRecord) -> list[tuple[tuple[str, ...], float]]:
        tok = self.tokenizer.tokens
        tax = self.taxonomy
        fw = EXPERT_FIELD_WEIGHTS
        names = [tax.industry_name(c) for c in rec.industry_codes] + \
                [tax.discipline_name(c) for c in rec.discipline_codes]
        return [
            (tuple(t for s in rec.skills for t in tok(s)), fw["skills"]),
            (tuple(t for s in rec.research_areas for t in tok(s)), fw["research_areas"]),
            (tok(rec.achievements), fw["achievements"]),
            (tuple(t for s in names for t in tok(s)), fw["fields"]),
        ]

    def prepare_expert(self, rec: ExpertRecord) -> PreparedExpert:
        counts: dict[str, float] = {}
        get = counts.get
        for toks, w in self.expert_fields(rec):
            for t in toks:
                counts[t] = get(t, 0.0) + w
        ids = self.vocab.ids
        vid = self.vocab.id
        items = sorted((ids[t] if t in ids else vid(t), w) for t, w in counts.items())
        terms = np.fromiter((i for i, _ in items), dtype=np.int32, count=len(items))
        tfs = np.fromiter((w for _, w in items), dtype=np.float32, count=len(items))
        tax = self.taxonomy
        acc = rec.acceptance_prior
        return PreparedExpert(
            id=int(rec.id), org=_NO_ORG if rec.org_id is None else int(rec.org_id),
            verified=bool(rec.verified_active), modes=int(rec.modes),
            served=self.served_mask(rec.served_prefectures, rec.serves_all_hebei),
            title=int(rec.title_level),
            avail_from=day(rec.available_from, DATE_MIN), avail_to=day(rec.available_until, DATE_MAX),
            capacity=int(rec.capacity), active=int(rec.active_engagements),
            rating_avg=float(rec.rating_avg or 0.0), rating_count=int(rec.rating_count or 0),
            acc_prior=self.default_acceptance if acc is None else float(acc),
            xyz=self._xyz(rec.lng, rec.lat, rec.home_division), home=rec.home_division,
            terms=terms, tfs=tfs, length=float(tfs.sum()),
            ind_nodes=self._nodes(rec.industry_codes, tax.industry_path, self.ind_space),
            disc_nodes=self._nodes(rec.discipline_codes, tax.discipline_path, self.disc_space),
            name=rec.name,
        )

    def demand_fields(self, rec: DemandRecord) -> list[tuple[tuple[str, ...], float]]:
        tok = self.tokenizer.tokens
        fw = DEMAND_FIELD_WEIGHTS
        return [
            (tuple(t for s in rec.required_skills for t in tok(s)), fw["required_skills"]),
            (tok(rec.title), fw["title"]),
            (tok(rec.description), fw["description"]),
        ]

    def prepare_demand(self, rec: DemandRecord, register_terms: bool = False) -> PreparedDemand:
        q = query_weights(self.demand_fields(rec))
        known, unknown = [], 0.0
        for term, w in q.items():
            i = self.vocab.id(term) if register_terms else self.vocab.lookup(term)
            if i < 0:
                unknown += w
            else:
                known.append((i, w))
        known.sort()
        tax = self.taxonomy
        ind = tax.industry_path(rec.industry_code)
        return PreparedDemand(
            id=int(rec.id), org=_NO_ORG if rec.org_id is None else int(rec.org_id),
            open=bool(rec.is_open) and rec.headcount > 0, modes=int(rec.modes),
            pref_bit=self.city_bit(rec.city_code), city=rec.city_code,
            xyz=self._xyz(rec.lng, rec.lat, rec.city_code),
            start=day(rec.period_start, DATE_MIN), end=day(rec.period_end, DATE_MAX),
            headcount=int(rec.headcount), min_title=int(rec.min_title_level),
            kind=DEMAND_KINDS.index(rec.kind) if rec.kind in DEMAND_KINDS else 0,
            ind_path=tuple(self.ind_space.id(c) for c in ind),
            disc_paths=tuple(tuple(self.disc_space.id(c) for c in tax.discipline_path(code))
                             for code in dict.fromkeys(rec.discipline_codes) if code),
            occ_paths=tuple(tuple(self.occ_space.id(c) for c in tax.occupation_path(code))
                            for code in dict.fromkeys(rec.occupation_codes) if code),
            min_degree=int(rec.min_degree),
            terms=np.fromiter((i for i, _ in known), dtype=np.int32, count=len(known)),
            weights=np.fromiter((w for _, w in known), dtype=np.float32, count=len(known)),
            unknown_weight=unknown, title=rec.title,
        )

    # ------------------------------------------------------------ incremental updates
    def upsert_expert(self, rec: ExpertRecord) -> None:
        self.experts.upsert(self.prepare_expert(rec))
        self.version += 1

    def remove_expert(self, expert_id: int) -> bool:
        removed = self.experts.remove(int(expert_id)) is not None
        self.version += removed
        return removed

    def set_load(self, expert_id: int, active_engagements: int, capacity: int | None = None) -> None:
        """Fast path for the lifecycle: only the engagement count (and capacity) changed."""
        p = self.experts.prepared[int(expert_id)]
        p.active = int(active_engagements)
        if capacity is not None:
            p.capacity = int(capacity)
        seg, r = self.experts.locate(p.id)
        if seg is not None:
            seg.active[r] = p.active
            seg.capacity[r] = p.capacity
            seg.invalidate()
        self.version += 1

    def upsert_demand(self, rec: DemandRecord) -> None:
        self.demands.upsert(self.prepare_demand(rec, register_terms=True))
        self.version += 1

    def remove_demand(self, demand_id: int) -> bool:
        ok = self.demands.remove(int(demand_id)) is not None
        if ok:
            self.version += 1
        return ok

    def compact(self) -> None:
        """Merge delta segments into the main ones (also done automatically)."""
        self.experts.rebuild()
        self.demands.rebuild()

    def __len__(self) -> int:
        return len(self.experts)

    # ------------------------------------------------------------ experts for a demand
    def _idf(self, terms: np.ndarray) -> np.ndarray:
        return self.stats.idf(terms).astype(np.float32)

    def _score_experts(self, pd: PreparedDemand, seg: ExpertSegment, only_row: int | None = None
                       ) -> _Scored | None:
        if not pd.open:
            return None
        ok = passes(seg.rule_arrays(), pd.rule_dict(), skip=_STATIC_RULES) & seg.static_ok()
        if only_row is not None:
            keep = np.zeros(seg.n, dtype=bool)
            keep[only_row] = ok[only_row]
            ok = keep
        rows = np.flatnonzero(ok)
        if rows.size == 0:
            return None
        comps: dict[str, np.ndarray] = {}
        defined: dict[str, bool] = {}
        # text relevance
        if pd.has_text:
            idf = self._idf(pd.terms)
            qw = pd.weights * idf
            denom = float(qw.sum() + pd.unknown_weight * self.stats.idf(np.array([1 << 40]))[0])
            num = np.zeros(seg.n, np.float32)
            tfc = seg.tf
            k1, b = self.stats.K1, self.stats.B
            norm = None
            for t, w in zip(pd.terms.tolist(), qw.tolist()):
                if t >= tfc.n_cols:
                    continue
                lo, hi = tfc.indptr[t], tfc.indptr[t + 1]
                if lo == hi:
                    continue
                if norm is None:   # BM25 length normalisation of every row, once per query
                    norm = (k1 * (1 - b + b * seg.length / self.stats.avg_len)).astype(np.float32)
                r = tfc.indices[lo:hi]
                tf = tfc.data[lo:hi]
                sat = tf * (k1 + 1) / (tf + norm[r])
                num[r] += np.float32(w / self.stats.SAT_CAP) * np.minimum(sat, self.stats.SAT_CAP)
            comps["text"] = text_relevance(num[rows] / denom)
            defined["text"] = True
        else:
            comps["text"] = np.zeros(rows.size, np.float32)
            defined["text"] = False
        # industry proximity
        ind_level = None
        if pd.ind_path:
            lvl = np.full(seg.n, -1, dtype=np.int8)
            for level, node in enumerate(pd.ind_path):
                lvl[seg.ind.rows(node)] = level
            ind_level = lvl[rows]
            comps["industry"] = INDUSTRY_TABLE[len(pd.ind_path), ind_level + 1]
            defined["industry"] = True
        else:
            comps["industry"] = np.zeros(rows.size, np.float32)
            defined["industry"] = False
        # discipline proximity: best over the demand's codes
        disc_levels = None
        if pd.disc_paths:
            disc_levels = np.full((rows.size, len(pd.disc_paths)), -1, dtype=np.int8)
            best = np.zeros(rows.size, np.float32)
            lvl = np.empty(seg.n, dtype=np.int8)
            for j, path in enumerate(pd.disc_paths):
                lvl.fill(-1)
                for level, node in enumerate(path):
                    lvl[seg.disc.rows(node)] = level
                disc_levels[:, j] = lvl[rows]
                best = np.maximum(best, DISCIPLINE_TABLE[len(path), disc_levels[:, j] + 1])
            comps["discipline"] = best
            defined["discipline"] = True
        else:
            comps["discipline"] = np.zeros(rows.size, np.float32)
            defined["discipline"] = False
        comps["title"] = title_fit(seg.title[rows], pd.min_title)
        # distance against the sharing mode
        dist = mode = None
        if not math.isnan(pd.xyz[0]):
            dist = seg.distances(pd.xyz)[rows]
            score, mode = mode_distance(seg.modes[rows] & pd.modes, dist, pd.modes)
            comps["distance"] = np.where(np.isnan(dist), 0.5, score).astype(np.float32)
            defined["distance"] = True
        else:
            comps["distance"] = np.zeros(rows.size, np.float32)
            defined["distance"] = False
        comps["rating"] = seg.rating_score[rows]
        comps["capacity"] = free_capacity(seg.capacity[rows], seg.active[rows])
        comps["acceptance"] = self._acceptance(comps, seg.acc_prior[rows])
        total = combine(comps, self.weights, defined)
        return _Scored(seg, rows, total, comps, defined, ind_level, disc_levels, dist, mode)

    def _acceptance(self, comps: dict[str, np.ndarray], prior: np.ndarray) -> np.ndarray:
        if self.acceptance_model is None:
            return prior.astype(np.float32)
        feats = {k: v for k, v in comps.items() if k != "acceptance"}
        feats["prior_logit"] = logit(prior)
        return self.acceptance_model.predict(feats)

    def _prepare_query(self, demand: DemandRecord | int) -> PreparedDemand:
        if isinstance(demand, DemandRecord):
            return self.prepare_demand(demand)
        p = self.demands.prepared.get(int(demand))
        if p is None:
            raise KeyError(f"demand {demand} is not in the index")
        return p

    def score_demand(self, demand: DemandRecord | int | PreparedDemand, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (expert ids, scores) without explanations (for batch work)."""
        pd = demand if isinstance(demand, PreparedDemand) else self._prepare_query(demand)
        parts = [s for s in (self._score_experts(pd, seg) for seg in self.experts.segments()) if s]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids = np.concatenate([p.seg.ids[p.rows] for p in parts])
        tot = np.concatenate([p.total for p in parts])
        order = _top(ids, tot, k)
        return ids[order], tot[order]

    def top_k(self, demand: DemandRecord | int, k: int = 10, explain: bool = True) -> list[Match]:
        """The k best experts for a demand (a record, or the id of an indexed demand)."""
        pd = self._prepare_query(demand)
        parts = [s for s in (self._score_experts(pd, seg) for seg in self.experts.segments()) if s]
        if not parts:
            return []
        owners = np.concatenate([np.full(p.rows.size, j, np.int32) for j, p in enumerate(parts)])
        local = np.concatenate([np.arange(p.rows.size) for p in parts])
        ids = np.concatenate([p.seg.ids[p.rows] for p in parts])
        tot = np.concatenate([p.total for p in parts])
        order = _top(ids, tot, k)
        matches = []
        for rank, o in enumerate(order, start=1):
            part, i = parts[owners[o]], int(local[o])
            pe = self.experts.prepared[int(ids[o])]
            matches.append(self._match(pe, pd, part, i, rank, float(tot[o]), explain))
        return matches

    def _match(self, pe: PreparedExpert, pd: PreparedDemand, part: _Scored, i: int,
               rank: int, total: float, explain: bool) -> Match:
        tax = self.taxonomy
        comps = {}
        for c in COMPONENTS:
            flag = part.defined.get(c, True)
            ok = flag if isinstance(flag, bool) else bool(np.all(flag))
            comps[c] = float(part.comps[c][i]) if ok else None
        terms = self._shared_terms(pd.terms, pd.weights, pe.terms)
        industry = None
        if part.ind_level is not None and part.ind_level[i] >= 0:
            lvl = int(part.ind_level[i])
            code = self.ind_space.codes[pd.ind_path[lvl]]
            industry = {"code": code, "name": tax.industry_name(code), "level": lvl,
                        "exact": lvl == len(pd.ind_path) - 1}
        discs = []
        if part.disc_levels is not None:
            seen = set()
            for j, path in enumerate(pd.disc_paths):
                lvl = int(part.disc_levels[i, j])
                if lvl < 0:
                    continue
                code = self.disc_space.codes[path[lvl]]
                if code not in seen:
                    seen.add(code)
                    discs.append({"code": code, "name": tax.discipline_name(code),
                                  "name_en": tax.discipline_name(code, en=True),
                                  "level": lvl, "exact": lvl == len(path) - 1})
            discs.sort(key=lambda d: -d["level"])
        dist = None if part.dist is None or np.isnan(part.dist[i]) else float(part.dist[i])
        mode = None
        if part.mode is not None and part.mode[i] >= 0:
            mode = MODE_CODES[int(part.mode[i])]
        m = Match(expert_id=pe.id, demand_id=pd.id, score=total, rank=rank, components=comps,
                  matched_terms=terms, matched_industry=industry, matched_disciplines=discs[:3],
                  distance_km=dist, mode=mode)
        if explain:
            ctx = _explain.Context(
                expert_title=pe.title, min_title=pd.min_title, home=pe.home, city=pd.city,
                rating_avg=pe.rating_avg, rating_count=pe.rating_count,
                free_slots=max(pe.capacity - pe.active, 0), common_modes=pe.modes & pd.modes)
            m.explanation_zh, m.explanation_en = _explain.explain(m, ctx, tax)
        return m

    def _shared_terms(self, q_terms: np.ndarray, q_weights: np.ndarray, d_terms: np.ndarray,
                      limit: int = 8) -> list[str]:
        common, qi, _ = np.intersect1d(q_terms, d_terms, assume_unique=True, return_indices=True)
        if not common.size:
            return []
        strength = q_weights[qi] * self._idf(common)
        order = np.argsort(-strength, kind="stable")
        words = [self.vocab.terms[int(common[o])] for o in order]
        # show the longest form: drop a term contained in another shown term
        shown: list[str] = []
        for w in sorted(words, key=len, reverse=True):
            if not any(w in s for s in shown):
                shown.append(w)
        rank = {w: i for i, w in enumerate(words)}
        return sorted(shown, key=rank.get)[:limit]

    def score_pair(self, demand: DemandRecord | int, expert_id: int, explain: bool = True) -> Match | None:
        """The pair's score and explanation, or None when a hard rule excludes it (see why_not)."""
        pd = self._prepare_query(demand)
        seg, row = self.experts.locate(int(expert_id))
        if seg is None:
            raise KeyError(f"expert {expert_id} is not in the index")
        part = self._score_experts(pd, seg, only_row=row)
        if part is None:
            return None
        pe = self.experts.prepared[int(expert_id)]
        return self._match(pe, pd, part, 0, 1, float(part.total[0]), explain)

    def why_not(self, demand: DemandRecord | int, expert_id: int) -> list[tuple[str, str, str]]:
        """The hard rules a pair fails, as (code, Chinese message, English message)."""
        pd = self._prepare_query(demand)
        pe = self.experts.prepared.get(int(expert_id))
        if pe is None:
            raise KeyError(f"expert {expert_id} is not in the index")
        return [(c, RULE_MESSAGES_ZH[c], RULE_MESSAGES_EN[c])
                for c in failed_rules(pe.rule_dict(), pd.rule_dict())]

    # ------------------------------------------------------------ demands for an expert
    def _score_demands(self, pe: PreparedExpert, seg: DemandSegment, kinds: set[int] | None
                       ) -> _Scored | None:
        ok = passes(pe.rule_dict(), seg.rule_arrays()) & seg.alive
        if kinds is not None:
            ok &= np.isin(seg.kind, list(kinds))
        rows = np.flatnonzero(ok)
        if rows.size == 0:
            return None
        comps: dict[str, np.ndarray] = {}
        defined: dict[str, np.ndarray | bool] = {}
        # text: the same quantity as in _score_experts, computed from the expert's side
        n_vocab = len(self.vocab)
        idf_all = self._idf(np.arange(n_vocab))
        unk_idf = float(self.stats.idf(np.array([1 << 40]))[0])
        w_rows = seg.w_rows
        if w_rows.shape[1] < n_vocab:
            idf_used = idf_all[:w_rows.shape[1]]
        else:
            idf_used = idf_all
        denom = (w_rows @ idf_used)[rows] + seg.unknown_weight[rows] * unk_idf
        num = np.zeros(seg.n, np.float64)
        if pe.terms.size:
            part = self.stats.bm25_part(pe.tfs, np.full(pe.terms.size, pe.length, np.float32))
            v = part * idf_all[pe.terms]
            r, w, which = seg.w_cols.gather(pe.terms)
            if r.size:
                num = np.bincount(r, weights=w * v[which], minlength=seg.n)
        has_text = denom > 0
        comps["text"] = np.where(has_text, text_relevance(num[rows] / np.maximum(denom, 1e-9)), 0.0
                                 ).astype(np.float32)
        defined["text"] = has_text
        # industry
        depth = seg.ind_depth[rows].astype(np.int64)
        matched = np.isin(seg.ind_path[rows], pe.ind_nodes)
        ind_level = (matched.sum(axis=1) - 1).astype(np.int8)
        comps["industry"] = INDUSTRY_TABLE[depth, ind_level + 1]
        defined["industry"] = depth > 0
        # discipline
        dpaths = seg.disc_paths[rows]
        ddepth = seg.disc_depth[rows].astype(np.int64)
        disc_levels = (np.isin(dpaths, pe.disc_nodes).sum(axis=2) - 1).astype(np.int8)
        comps["discipline"] = DISCIPLINE_TABLE[ddepth, disc_levels + 1].max(axis=1)
        defined["discipline"] = ddepth[:, 0] > 0
        comps["title"] = title_fit(np.full(rows.size, pe.title, np.int8), seg.min_title[rows])
        dist = mode = None
        if not math.isnan(pe.xyz[0]):
            dist = distance_km(seg.xyz[rows], np.asarray(pe.xyz, dtype=np.float64))
            score, mode = mode_distance(seg.modes[rows] & pe.modes, dist)
            comps["distance"] = np.where(np.isnan(dist), 0.5, score).astype(np.float32)
            defined["distance"] = ~np.isnan(dist)
        else:
            comps["distance"] = np.full(rows.size, 0.5, np.float32)
        n = rows.size
        comps["rating"] = np.full(n, rating_score(np.float32(pe.rating_avg),
                                                    np.float32(pe.rating_count)), np.float32)
        comps["capacity"] = np.full(n, free_capacity(np.float32(pe.capacity),
                                                     np.float32(pe.active)), np.float32)
        comps["acceptance"] = self._acceptance(comps, np.full(n, pe.acc_prior, np.float32))
        total = combine(comps, self.weights, defined)
        return _Scored(seg, rows, total, comps, defined, ind_level, disc_levels, dist, mode)

    def _prepare_expert_query(self, expert: ExpertRecord | int) -> PreparedExpert:
        if isinstance(expert, ExpertRecord):
            p = self.experts.prepared.get(int(expert.id))
            return p if p is not None else self.prepare_expert(expert)
        p = self.experts.prepared.get(int(expert))
        if p is None:
            raise KeyError(f"expert {expert} is not in the index")
        return p

    def demands_for_expert(self, expert: ExpertRecord | int, k: int = 10, explain: bool = True,
                           kinds: Iterable[str] | None = None) -> list[Match]:
        """推荐需求: the k best open demands for an expert (a record or an indexed id)."""
        pe = self._prepare_expert_query(expert)
        kind_ids = None if kinds is None else {DEMAND_KINDS.index(k_) for k_ in kinds}
        parts = [s for s in (self._score_demands(pe, seg, kind_ids) for seg in self.demands.segments()) if s]
        if not parts:
            return []
        owners = np.concatenate([np.full(p.rows.size, j, np.int32) for j, p in enumerate(parts)])
        local = np.concatenate([np.arange(p.rows.size) for p in parts])
        ids = np.concatenate([p.seg.ids[p.rows] for p in parts])
        tot = np.concatenate([p.total for p in parts])
        order = _top(ids, tot, k)
        out = []
        for rank, o in enumerate(order, start=1):
            part, i = parts[owners[o]], int(local[o])
            pd = self.demands.prepared[int(ids[o])]
            # per-row defined flags -> scalars for this pair
            one = _Scored(part.seg, part.rows[i:i + 1], part.total[i:i + 1],
                          {c: v[i:i + 1] for c, v in part.comps.items()},
                          {c: (np.asarray(v)[i:i + 1] if np.ndim(v) else v) for c, v in part.defined.items()},
                          part.ind_level[i:i + 1],
                          _disc_levels_for(part.disc_levels[i], len(pd.disc_paths)),
                          None if part.dist is None else part.dist[i:i + 1],
                          None if part.mode is None else part.mode[i:i + 1])
            m = self._match(pe, pd, one, 0, rank, float(tot[o]), False)
            if explain:
                ctx = _explain.Context(
                    expert_title=pe.title, min_title=pd.min_title, home=pe.home, city=pd.city,
                    rating_avg=pe.rating_avg, rating_count=pe.rating_count,
                    free_slots=max(pe.capacity - pe.active, 0), common_modes=pe.modes & pd.modes,
                    demand_title=pd.title)
                m.explanation_zh, m.explanation_en = _explain.explain(m, ctx, self.taxonomy,
                                                                      for_expert=True)
            out.append(m)
        return out

    # ------------------------------------------------------------ batch support
    def open_demand_ids(self) -> list[int]:
        return [d.id for d in self.demands.prepared.values() if d.open]

    def candidate_graph(self, demand_ids: Iterable[int] | None = None, k: int = 20):
        """Top-k experts of each open demand as a bipartite graph for batch assignment."""
        from .assignment import CandidateGraph

        ids = self.open_demand_ids() if demand_ids is None else [int(i) for i in demand_ids]
        d_list, e_list, s_list = [], [], []
        heads = []
        kept = []
        for did in ids:
            pd = self.demands.prepared.get(did)
            if pd is None or not pd.open:
                continue
            e, s = self.score_demand(pd, k)
            kept.append(did)
            heads.append(pd.headcount)
            d_list.append(np.full(e.size, len(kept) - 1, np.int64))
            e_list.append(e)
            s_list.append(s)
        e_all = np.concatenate(e_list) if e_list else np.zeros(0, np.int64)
        experts, e_idx = np.unique(e_all, return_inverse=True)
        cap = np.array([self.experts.prepared[int(x)].capacity for x in experts], np.int64)
        act = np.array([self.experts.prepared[int(x)].active for x in experts], np.int64)
        return CandidateGraph(
            demand_ids=np.array(kept, np.int64), expert_ids=experts,
            demand_index=np.concatenate(d_list) if d_list else np.zeros(0, np.int64),
            expert_index=e_idx.astype(np.int64), score=np.concatenate(s_list) if s_list else np.zeros(0),
            headcount=np.array(heads, np.int64), capacity=cap, active=act)


def text_relevance(covered: np.ndarray) -> np.ndarray:
    """Text component from the share of the query's idf-weighted terms a document
    covers (BM25 tf-part per term, see text.CorpusStats.bm25_part).  A demand's
    description carries many words no expert profile repeats (the firm, the
    place), so good matches cover a third to a half of it; the square root
    spreads that range: 0.25 -> 0.5, 0.5 -> 0.71, 1 -> 1."""
    return np.sqrt(np.clip(covered, 0.0, 1.0)).astype(np.float32)


def _disc_levels_for(row_levels: np.ndarray, n_codes: int) -> np.ndarray:
    return np.asarray(row_levels[:n_codes], dtype=np.int8).reshape(1, n_codes)


def _top(ids: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first, ties broken by the smaller id."""
    n = scores.size
    if k <= 0 or n == 0:
        return np.zeros(0, np.int64)
    if n > k:
        cut = np.argpartition(-scores, k - 1)[:k]
        # include every row tied with the k-th score so the tie-break is by id
        kth = scores[cut].min()
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(n)
    order = cand[np.lexsort((ids[cand], -scores[cand]))]
    return order[:k]
