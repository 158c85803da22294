"""Graduates <-> positions (高校毕业生就业河北计划).

    gi = GraduateIndex.build(graduates, taxonomy, positions=position_demands)
    gi.graduates_for_position(position, k=10)
    gi.positions_for_graduate(graduate_id, k=10)

Hard rules: the graduate is seeking; the position is open and of kind
'position'; the graduate's degree meets the position's minimum; when the
graduate names preferred cities, the position lies in one of them.
Scores in [0, 1]: text (BM25 as for experts), major vs the position's
disciplines (NSFC tree), intended industries vs the position's industry
(GB/T 4754 tree), intended occupations vs the position's occupations
(2022 occupation tree), city preference rank, degree fit.  Both directions
use the same functions, so a pair scores the same either way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from .index import (
    CodeSpace,
    DemandSegment,
    PreparedDemand,
    SegmentedStore,
    _Columns,
    _csc,
    _pad,
    _top,
    text_relevance,
)
from .records import (
    DEGREE_LABELS_EN,
    DEGREE_LABELS_ZH,
    DEMAND_KINDS,
    DemandRecord,
    GraduateRecord,
)
from .scores import DISCIPLINE_TABLE, INDUSTRY_TABLE, OCCUPATION_TABLE, combine
from .taxonomy import Taxonomy
from .text import CorpusStats, Vocabulary, query_weights, tokenizer_for, weighted_counts

GRADUATE_COMPONENTS = ("text", "discipline", "industry", "occupation", "city", "degree")
GRADUATE_WEIGHTS = {"text": 0.25, "discipline": 0.25, "industry": 0.15, "occupation": 0.20,
                    "city": 0.10, "degree": 0.05}
CITY_RANK_SCORE = (1.0, 0.85, 0.7)   # first, second, third-or-later preferred city
CITY_NO_PREFERENCE = 0.6
POSITION_KIND = DEMAND_KINDS.index("position")


def shared_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Level of the deepest shared ancestor of aligned code paths (-1 padding), -1 if none.
    Broadcasts over leading axes; the last axis is the path."""
    eq = (a == b) & (a >= 0) & (b >= 0)
    return (np.cumprod(eq, axis=-1).sum(axis=-1) - 1).astype(np.int8)


@dataclass(slots=True)
class PreparedGraduate:
    id: int
    seeking: bool
    degree: int
    pref_mask: int
    prefs: tuple[int, ...]
    major_path: tuple[int, ...]
    ind_paths: tuple[tuple[int, ...], ...]
    occ_paths: tuple[tuple[int, ...], ...]
    terms: np.ndarray
    tfs: np.ndarray
    length: float
    name: str = ""


class GraduateSegment:
    def __init__(self, items: list[PreparedGraduate], n_terms: int):
        n = len(items)
        self.n = n
        self.ids = np.fromiter((p.id for p in items), dtype=np.int64, count=n)
        self.row_of = {int(i): r for r, i in enumerate(self.ids)}
        self.alive = np.ones(n, dtype=bool)
        self.seeking = np.fromiter((p.seeking for p in items), dtype=bool, count=n)
        self.degree = np.fromiter((p.degree for p in items), dtype=np.int8, count=n)
        self.pref_mask = np.fromiter((p.pref_mask for p in items), dtype=np.int64, count=n)
        prefs = np.full((n, 3), -1, dtype=np.int64)
        for r, p in enumerate(items):
            prefs[r, :min(3, len(p.prefs))] = p.prefs[:3]
        self.prefs = prefs
        major, _ = _pad([(p.major_path,) if p.major_path else () for p in items])
        self.major_path = major[:, 0, :]
        self.ind_paths, _ = _pad([p.ind_paths for p in items])
        self.occ_paths, _ = _pad([p.occ_paths for p in items])
        self.length = np.fromiter((p.length for p in items), dtype=np.float32, count=n)
        self.tf = _Columns(_csc([p.terms for p in items], [p.tfs for p in items], n_terms))


@dataclass
class GraduateMatch:
    graduate_id: int
    position_id: int
    score: float
    rank: int
    components: dict[str, float | None]
    matched_terms: list[str] = field(default_factory=list)
    explanation_zh: str = ""
    explanation_en: str = ""

    def to_dict(self) -> dict:
        return {"graduate_id": self.graduate_id, "position_id": self.position_id,
                "score": round(self.score, 4), "rank": self.rank,
                "components": {k: (None if v is None else round(v, 4)) for k, v in self.components.items()},
                "matched_terms": self.matched_terms,
                "explanation_zh": self.explanation_zh, "explanation_en": self.explanation_en}


def _pair_scores(g: dict, p: dict, stats_part) -> tuple[dict, dict]:
    """Components for graduate side `g` and position side `p` (one of them arrays)."""
    comps, defined = {}, {}
    # discipline: graduate's major vs the position's codes (best)
    lv = shared_level(g["major"][..., None, :], p["disc"])          # (..., M)
    comps["discipline"] = DISCIPLINE_TABLE[p["disc_depth"], lv + 1].max(axis=-1)
    defined["discipline"] = (p["disc_depth"].max(axis=-1) > 0) & (g["major"][..., 0] >= 0)
    # industry: intended industries (best) vs the position's industry
    lv = shared_level(g["ind"], p["ind"][..., None, :])             # (..., Mi)
    comps["industry"] = INDUSTRY_TABLE[p["ind_depth"][..., None], lv + 1].max(axis=-1)
    defined["industry"] = (p["ind_depth"] > 0) & (g["ind"][..., 0, 0] >= 0)
    # occupation: best over intended x position codes
    lv = shared_level(g["occ"][..., :, None, :], p["occ"][..., None, :, :])   # (..., Mo, Mp)
    comps["occupation"] = OCCUPATION_TABLE[p["occ_depth"][..., None, :], lv + 1].max(axis=(-1, -2))
    defined["occupation"] = (p["occ_depth"].max(axis=-1) > 0) & (g["occ"][..., 0, 0] >= 0)
    # city preference rank
    bit = p["pref_bit"]
    prefs = g["prefs"]
    city = np.where(prefs[..., 0] < 0, CITY_NO_PREFERENCE,
                    np.where(prefs[..., 0] == bit, CITY_RANK_SCORE[0],
                             np.where(prefs[..., 1] == bit, CITY_RANK_SCORE[1], CITY_RANK_SCORE[2])))
    comps["city"] = city.astype(np.float32)
    # degree fit: meeting the minimum or one above is best; far above, a little less
    over = g["degree"] - p["min_degree"]
    comps["degree"] = np.where(over <= 1, 1.0, 0.8).astype(np.float32)
    return comps, defined


def _defined_at(flag, i: int) -> bool:
    return bool(np.asarray(flag)[i]) if np.ndim(flag) else bool(flag)


class GraduateIndex:
    def __init__(self, taxonomy: Taxonomy, weights: dict[str, float] | None = None):
        self.taxonomy = taxonomy
        self.weights = dict(GRADUATE_WEIGHTS)
        if weights:
            unknown = set(weights) - set(GRADUATE_COMPONENTS)
            if unknown:
                raise ValueError(f"unknown graduate score components: {sorted(unknown)}")
            self.weights.update(weights)
        self.tokenizer = tokenizer_for(taxonomy)
        self.vocab = Vocabulary()
        self.stats = CorpusStats()
        self.ind_space = CodeSpace(taxonomy.industries)
        self.disc_space = CodeSpace(taxonomy.disciplines)
        self.occ_space = CodeSpace(taxonomy.occupations)
        prefs = taxonomy.prefecture_codes()
        self.pref_bit = {code: i for i, code in enumerate(prefs)}
        self.graduates = SegmentedStore(lambda items: GraduateSegment(items, len(self.vocab)), stats=self.stats)
        self.positions = SegmentedStore(lambda items: DemandSegment(items, len(self.vocab)))
        self.version = 0

    @classmethod
    def build(cls, graduates: Iterable[GraduateRecord], taxonomy: Taxonomy,
              positions: Iterable[DemandRecord] = (), **kwargs) -> "GraduateIndex":
        gi = cls(taxonomy, **kwargs)
        gi.graduates.load(gi.prepare_graduate(g) for g in graduates)
        gi.positions.load(gi.prepare_position(d, register_terms=True)
                          for d in positions if d.kind == "position")
        return gi

    # ------------------------------------------------------------ preparing
    def _bit(self, code: str) -> int:
        return self.pref_bit.get(self.taxonomy.prefecture_of(code) or code, 62)

    def prepare_graduate(self, g: GraduateRecord) -> PreparedGraduate:
        tax = self.taxonomy
        tok = self.tokenizer.tokens
        names = [tax.discipline_name(g.major_discipline_code)] + \
                [tax.occupation_name(c) for c in g.intended_occupations] + \
                [tax.industry_name(c) for c in g.intended_industries]
        counts = weighted_counts([
            (tuple(t for s in g.skills for t in tok(s)), 2.0),
            (tok(g.major_name), 2.0),
            (tuple(t for s in names for t in tok(s)), 1.0),
        ])
        items = sorted((self.vocab.id(t), w) for t, w in counts.items())
        terms = np.fromiter((i for i, _ in items), dtype=np.int32, count=len(items))
        tfs = np.fromiter((w for _, w in items), dtype=np.float32, count=len(items))
        prefs = tuple(dict.fromkeys(self._bit(c) for c in g.preferred_cities if c))
        mask = 0
        for b in prefs:
            mask |= 1 << b
        return PreparedGraduate(
            id=int(g.id), seeking=bool(g.seeking), degree=int(g.degree), pref_mask=mask, prefs=prefs,
            major_path=tuple(self.disc_space.id(c) for c in tax.discipline_path(g.major_discipline_code)),
            ind_paths=tuple(tuple(self.ind_space.id(c) for c in tax.industry_path(code))
                            for code in g.intended_industries if code),
            occ_paths=tuple(tuple(self.occ_space.id(c) for c in tax.occupation_path(code))
                            for code in g.intended_occupations if code),
            terms=terms, tfs=tfs, length=float(tfs.sum()), name=g.name)

    def prepare_position(self, d: DemandRecord, register_terms: bool = False) -> PreparedDemand:
        tok = self.tokenizer.tokens
        q = query_weights([(tuple(t for s in d.required_skills for t in tok(s)), 2.0),
                           (tok(d.title), 1.5), (tok(d.description), 1.0)])
        known, unknown = [], 0.0
        for term, w in q.items():
            i = self.vocab.id(term) if register_terms else self.vocab.lookup(term)
            if i < 0:
                unknown += w
            else:
                known.append((i, w))
        known.sort()
        tax = self.taxonomy
        return PreparedDemand(
            id=int(d.id), org=-1 if d.org_id is None else int(d.org_id),
            open=bool(d.is_open) and d.headcount > 0 and d.kind == "position", modes=int(d.modes),
            pref_bit=self._bit(d.city_code) if d.city_code else -1, city=d.city_code,
            xyz=(float("nan"),) * 3, start=0, end=0, headcount=int(d.headcount),
            min_title=int(d.min_title_level),
            kind=DEMAND_KINDS.index(d.kind) if d.kind in DEMAND_KINDS else 0,
            ind_path=tuple(self.ind_space.id(c) for c in tax.industry_path(d.industry_code)),
            disc_paths=tuple(tuple(self.disc_space.id(c) for c in tax.discipline_path(code))
                             for code in dict.fromkeys(d.discipline_codes) if code),
            occ_paths=tuple(tuple(self.occ_space.id(c) for c in tax.occupation_path(code))
                            for code in dict.fromkeys(d.occupation_codes) if code),
            min_degree=int(d.min_degree),
            terms=np.fromiter((i for i, _ in known), dtype=np.int32, count=len(known)),
            weights=np.fromiter((w for _, w in known), dtype=np.float32, count=len(known)),
            unknown_weight=unknown, title=d.title)

    # ------------------------------------------------------------ updates
    def upsert_graduate(self, g: GraduateRecord) -> None:
        self.graduates.upsert(self.prepare_graduate(g))
        self.version += 1

    def remove_graduate(self, graduate_id: int) -> bool:
        removed = self.graduates.remove(int(graduate_id)) is not None
        self.version += removed
        return removed

    def upsert_position(self, d: DemandRecord) -> None:
        if d.kind != "position":
            self.remove_position(d.id)
            return
        self.positions.upsert(self.prepare_position(d, register_terms=True))
        self.version += 1

    def remove_position(self, position_id: int) -> bool:
        ok = self.positions.remove(int(position_id)) is not None
        self.version += ok
        return ok

    # ------------------------------------------------------------ arrays of one side
    @staticmethod
    def _pos_side(pd: PreparedDemand) -> dict:
        disc, disc_depth = _pad([pd.disc_paths])
        occ, occ_depth = _pad([pd.occ_paths])
        ind, ind_depth = _pad([(pd.ind_path,) if pd.ind_path else ()])
        return {"disc": disc[0], "disc_depth": disc_depth[0].astype(np.int64),
                "ind": ind[0, 0], "ind_depth": np.int64(ind_depth[0, 0]),
                "occ": occ[0], "occ_depth": occ_depth[0].astype(np.int64),
                "pref_bit": pd.pref_bit, "min_degree": pd.min_degree}

    @staticmethod
    def _grad_side(p: PreparedGraduate) -> dict:
        major, _ = _pad([(p.major_path,) if p.major_path else ()])
        ind, _ = _pad([p.ind_paths])
        occ, _ = _pad([p.occ_paths])
        prefs = np.full(3, -1, np.int64)
        prefs[:min(3, len(p.prefs))] = p.prefs[:3]
        return {"major": major[0, 0], "ind": ind[0], "occ": occ[0], "prefs": prefs, "degree": p.degree}

    # ------------------------------------------------------------ graduates for a position
    def graduates_for_position(self, position: DemandRecord | int, k: int = 10) -> list[GraduateMatch]:
        if isinstance(position, DemandRecord):
            pd = self.prepare_position(position)
        else:
            pd = self.positions.prepared[int(position)]
        if not pd.open:
            return []
        side = self._pos_side(pd)
        results = []
        for seg in self.graduates.segments():
            ok = seg.alive & seg.seeking & (seg.degree >= pd.min_degree)
            if pd.pref_bit >= 0:
                ok &= (seg.pref_mask == 0) | (((seg.pref_mask >> pd.pref_bit) & 1) == 1)
            rows = np.flatnonzero(ok)
            if not rows.size:
                continue
            g = {"major": seg.major_path[rows], "ind": seg.ind_paths[rows], "occ": seg.occ_paths[rows],
                 "prefs": seg.prefs[rows], "degree": seg.degree[rows].astype(np.int64)}
            comps, defined = _pair_scores(g, side, None)
            comps["text"], defined["text"] = self._text_forward(pd, seg, rows)
            total = combine(comps, self.weights, defined)
            results.append((seg, rows, total, comps, defined))
        return self._collect(results, k, lambda seg, r: (int(seg.ids[r]), pd.id),
                             lambda gid, pid: (self.graduates.prepared[gid], pd))

    def _text_forward(self, pd: PreparedDemand, seg: GraduateSegment, rows: np.ndarray):
        if not pd.has_text:
            return np.zeros(rows.size, np.float32), False
        idf = self.stats.idf(pd.terms).astype(np.float32)
        denom = float((pd.weights * idf).sum() + pd.unknown_weight * self.stats.idf(np.array([1 << 40]))[0])
        r, tf, which = seg.tf.gather(pd.terms)
        num = np.zeros(seg.n)
        if r.size:
            part = self.stats.bm25_part(tf, seg.length[r])
            num = np.bincount(r, weights=part * (pd.weights * idf)[which], minlength=seg.n)
        return text_relevance(num[rows] / denom), True

    # ------------------------------------------------------------ positions for a graduate
    def positions_for_graduate(self, graduate: GraduateRecord | int, k: int = 10) -> list[GraduateMatch]:
        if isinstance(graduate, GraduateRecord):
            pg = self.graduates.prepared.get(int(graduate.id)) or self.prepare_graduate(graduate)
        else:
            pg = self.graduates.prepared[int(graduate)]
        if not pg.seeking:
            return []
        side = self._grad_side(pg)
        results = []
        for seg in self.positions.segments():
            ok = seg.alive & seg.open & (seg.kind == POSITION_KIND) & (pg.degree >= seg.min_degree)
            if pg.pref_mask:
                ok &= (seg.pref_bit < 0) | (((pg.pref_mask >> np.maximum(seg.pref_bit, 0)) & 1) == 1)
            rows = np.flatnonzero(ok)
            if not rows.size:
                continue
            p = {"disc": seg.disc_paths[rows], "disc_depth": seg.disc_depth[rows].astype(np.int64),
                 "ind": seg.ind_path[rows], "ind_depth": seg.ind_depth[rows].astype(np.int64),
                 "occ": seg.occ_paths[rows], "occ_depth": seg.occ_depth[rows].astype(np.int64),
                 "pref_bit": seg.pref_bit[rows], "min_degree": seg.min_degree[rows].astype(np.int64)}
            comps, defined = _pair_scores(side, p, None)
            # text from the graduate's side: the same quantity as _text_forward
            n_vocab = len(self.vocab)
            idf_all = self.stats.idf(np.arange(n_vocab)).astype(np.float32)
            unk = float(self.stats.idf(np.array([1 << 40]))[0])
            denom = (seg.w_rows @ idf_all[:seg.w_rows.shape[1]])[rows] + seg.unknown_weight[rows] * unk
            num = np.zeros(seg.n)
            if pg.terms.size:
                v = self.stats.bm25_part(pg.tfs, np.full(pg.terms.size, pg.length, np.float32)) * idf_all[pg.terms]
                r, w, which = seg.w_cols.gather(pg.terms)
                if r.size:
                    num = np.bincount(r, weights=w * v[which], minlength=seg.n)
            comps["text"] = np.where(denom > 0, text_relevance(num[rows] / np.maximum(denom, 1e-9)), 0.0
                                     ).astype(np.float32)
            defined["text"] = denom > 0
            total = combine(comps, self.weights, defined)
            results.append((seg, rows, total, comps, defined))
        return self._collect(results, k, lambda seg, r: (pg.id, int(seg.ids[r])),
                             lambda gid, pid: (pg, self.positions.prepared[pid]))

    # ------------------------------------------------------------ results
    def _collect(self, results, k, pair_of, prepared_of) -> list[GraduateMatch]:
        if not results:
            return []
        ids = np.concatenate([seg.ids[rows] for seg, rows, *_ in results])
        tot = np.concatenate([t for _, _, t, _, _ in results])
        owner = np.concatenate([np.full(rows.size, j) for j, (_, rows, *_) in enumerate(results)])
        local = np.concatenate([np.arange(rows.size) for _, rows, *_ in results])
        out = []
        for rank, o in enumerate(_top(ids, tot, k), start=1):
            seg, rows, total, comps, defined = results[owner[o]]
            i = int(local[o])
            gid, pid = pair_of(seg, rows[i])
            pg, pd = prepared_of(gid, pid)
            cd = {c: (float(comps[c][i]) if _defined_at(defined.get(c, True), i) else None)
                  for c in GRADUATE_COMPONENTS}
            terms = [self.vocab.terms[t] for t in np.intersect1d(pd.terms, pg.terms)][:6]
            m = GraduateMatch(gid, pid, float(total[i]), rank, cd, terms)
            m.explanation_zh, m.explanation_en = self._explain(m, pg, pd)
            out.append(m)
        return out

    def _explain(self, m: GraduateMatch, pg: PreparedGraduate, pd: PreparedDemand) -> tuple[str, str]:
        c = m.components
        zh, en = [], []
        if m.matched_terms:
            zh.append("关键词相符：" + "、".join(m.matched_terms))
            en.append("matching terms: " + ", ".join(m.matched_terms))
        if c.get("discipline"):
            zh.append("所学专业与岗位要求的学科" + ("一致" if c["discipline"] >= 1 else "相近"))
            en.append("major " + ("matches" if c["discipline"] >= 1 else "is close to") + " the required field")
        if c.get("occupation"):
            zh.append("求职意向与岗位职业" + ("一致" if c["occupation"] >= 1 else "相近"))
            en.append("job intention " + ("matches" if c["occupation"] >= 1 else "is close to") + " the occupation")
        if c.get("industry"):
            zh.append("意向行业" + ("一致" if c["industry"] >= 1 else "相近"))
            en.append("intended industry " + ("matches" if c["industry"] >= 1 else "is close"))
        city = self.taxonomy.division_name(pd.city) if pd.city else ""
        if c.get("city") is not None and c["city"] >= CITY_RANK_SCORE[2] and pg.prefs:
            zh.append(f"岗位位于意向城市{city}")
            en.append("the position is in a preferred city")
        if 0 <= pg.degree < len(DEGREE_LABELS_ZH):
            zh.append(f"学历{DEGREE_LABELS_ZH[pg.degree]}，满足岗位要求")
            en.append(f"{DEGREE_LABELS_EN[pg.degree]} degree meets the requirement")
        score = round(m.score * 100)
        return ("推荐理由：" + "；".join(zh) + f"。综合匹配度{score}分（满分100）。",
                "Why: " + "; ".join(en) + f". Overall match {score}/100.")
