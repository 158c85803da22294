"""Side by side, in one run: the matching engine vs the straightforward approach (an ORM loop that scores each
expert in Python), for the top-10 experts of a demand, on a database seeded with 5,000 experts.

    python bench/bench_matching.py                       # 5,000 experts, 10 demands for the loop, 200 for the engine
    python bench/bench_matching.py --experts 1000 --loop-queries 3     # a quicker smoke run

The database (DATABASE_URL, default a SQLite file under var/) is recreated, migrated, loaded with the
reference data and seeded with ``seed_demo``. Both sides apply the same hard rules and the same score
formulas; the loop reads experts with their codes through the ORM for every demand and tokenises their
texts as it goes (no index), as a first implementation would. Prints JSON; --out writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def orm_loop_top_k(demand, k, tax, tokenizer, today):
    """The straightforward approach: one pass over the experts, in Python, per demand."""
    import math

    from django.db.models import Count, Q

    from matching.engine import scores
    from matching.engine.modes import MODE_CODES, MODE_HALF_LIFE_KM
    from matching.engine.taxonomy import haversine_km
    from registry import domain
    from registry.models import Expert

    d_modes = domain.modes_to_mask(demand.sharing_modes)
    d_pref = tax.prefecture_of(demand.city_id)
    d_terms = {}
    for phrase, w in [(s, 2.0) for s in demand.required_skills] + [(demand.title, 1.5), (demand.description, 1.0)]:
        for t in tokenizer.tokens(phrase):
            d_terms[t] = max(d_terms.get(t, 0.0), w)
    d_ind = tax.industry_path(demand.industry_id)
    d_discs = [tax.discipline_path(d.code) for d in demand.disciplines.all()]
    city = demand.city
    experts = (Expert.objects.filter(status="verified", outside_region=False)
               .select_related("home_division", "person")
               .prefetch_related("industries", "disciplines", "served_cities")
               .annotate(active=Count("engagements", filter=Q(engagements__status="active"))))
    results = []
    for e in experts:
        e_modes = domain.modes_to_mask(e.sharing_modes)
        common = e_modes & d_modes
        if not common:
            continue
        served = {c.code for c in e.served_cities.all()}
        if not (e.serves_all_hebei or d_pref in served):
            continue
        if (e.available_from and e.available_from > demand.period_end) or (e.available_until and e.available_until < demand.period_start):
            continue
        if e.active >= e.max_engagements:
            continue
        if e.employer_id and e.employer_id == demand.organisation_id:
            continue
        if e.title_rank < demand.min_title_rank:
            continue
        # text: share of the demand's terms found in the expert's texts
        e_text = set()
        for phrase in list(e.skills or []) + [e.research_areas, e.achievements] + [i.name for i in e.industries.all()] + \
                [d.name for d in e.disciplines.all()]:
            e_text.update(tokenizer.tokens(phrase or ""))
        total_w = sum(d_terms.values()) or 1.0
        text = math.sqrt(sum(w for t, w in d_terms.items() if t in e_text) / total_w)
        industry = max((scores.path_proximity(d_ind, tax.industry_path(i.code), scores.INDUSTRY_LEVEL_SCORE)
                        for i in e.industries.all()), default=0.0)
        discipline = max((scores.path_proximity(dp, tax.discipline_path(x.code), scores.DISCIPLINE_LEVEL_SCORE)
                          for dp in d_discs for x in e.disciplines.all()), default=0.0)
        title = float(scores.title_fit([e.title_rank], demand.min_title_rank)[0])
        km = haversine_km(e.home_division.lng, e.home_division.lat, city.lng, city.lat)
        distance = 0.0
        for i, code in enumerate(MODE_CODES):
            if common >> i & 1:
                half = MODE_HALF_LIFE_KM[code]
                distance = max(distance, 1.0 if half is None else 2 ** (-km / half))
        rating = float(scores.rating_score([e.rating_avg], [e.rating_count])[0])
        capacity = (e.max_engagements - e.active) / e.max_engagements
        comps = {"text": text, "industry": industry, "discipline": discipline, "title": title,
                 "distance": distance, "rating": rating, "capacity": capacity, "acceptance": 0.5}
        w = scores.DEFAULT_WEIGHTS
        total = sum(w[c] * v for c, v in comps.items()) / sum(w.values())
        results.append((-total, e.pk))
    results.sort()
    return [pk for _, pk in results[:k]]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--experts", type=int, default=5000)
    ap.add_argument("--demands", type=int, default=400)
    ap.add_argument("--loop-queries", type=int, default=10, help="demands scored by the ORM loop")
    ap.add_argument("--engine-queries", type=int, default=200, help="demands scored by the engine")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--keep", action="store_true", help="reuse the seeded database")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_matching.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jjjtalent.settings.local")
    os.environ.setdefault("DB_CONN_MAX_AGE", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from bench_seed import fresh_database

    if not args.keep:
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from matching import selectors
    from matching.engine import ExpertIndex, default_taxonomy
    from matching.engine.text import tokenizer_for
    from registry.models import Demand

    out: dict = {"params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                 "load_average": os.getloadavg()}
    if not args.keep:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))
        call_command("seed_demo", experts=args.experts, demands=args.demands, seed=args.seed, no_accounts=True,
                     verbosity=0, stdout=open(os.devnull, "w"))
        out["seed_s"] = round(time.perf_counter() - t, 1)
    out["experts_matchable"] = selectors.matchable_experts().count()
    tax = default_taxonomy()
    tokenizer = tokenizer_for(tax)

    # --- the engine: build from the database, then answer
    t = time.perf_counter()
    expert_recs = selectors.expert_records()
    demand_recs = selectors.demand_records()
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    index = ExpertIndex.build(expert_recs, tax, demands=demand_recs)
    build_s = time.perf_counter() - t
    open_recs = [d for d in demand_recs if d.is_open]
    if not open_recs:
        raise SystemExit("no open demand in the seeded data")
    queries = open_recs[:args.engine_queries]
    lat, cpu = [], []
    for rec in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        index.top_k(rec, k=args.k)
        lat.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    engine_ms = statistics.median(lat) * 1000
    engine_cpu_ms = statistics.median(cpu) * 1000
    out["engine"] = {"read_records_s": round(read_s, 2), "build_s": round(build_s, 2),
                     "top_k_median_ms": round(engine_ms, 3), "top_k_p99_ms": round(sorted(lat)[int(0.99 * (len(lat) - 1))] * 1000, 3),
                     "queries": len(lat), "top_k_cpu_median_ms": round(engine_cpu_ms, 3)}

    # --- the ORM loop, on the first demands of the same list
    today = timezone.localdate()
    loop_ids = [d.id for d in open_recs[:args.loop_queries]]
    demands = {d.pk: d for d in Demand.objects.filter(pk__in=loop_ids).select_related("city").prefetch_related("disciplines")}
    lat, cpu, overlap = [], [], []
    for did in loop_ids:
        t0, c0 = time.perf_counter(), time.process_time()
        loop_top = orm_loop_top_k(demands[did], args.k, tax, tokenizer, today)
        lat.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        engine_top = [m.expert_id for m in index.top_k(did, k=args.k)]
        overlap.append(len(set(loop_top) & set(engine_top)) / max(len(engine_top), 1))
    loop_ms = statistics.median(lat) * 1000
    loop_cpu_ms = statistics.median(cpu) * 1000
    out["orm_loop"] = {"top_k_median_ms": round(loop_ms, 1), "queries": len(lat),
                       "top_k_cpu_median_ms": round(loop_cpu_ms, 1)}
    out["speedup_median"] = round(loop_ms / engine_ms, 1)
    out["speedup_median_cpu"] = round(loop_cpu_ms / engine_cpu_ms, 1)
    out["speedup_including_build_amortised_over_engine_queries"] = round(
        loop_ms / (engine_ms + (read_s + build_s) * 1000 / len(queries)), 1)
    out["top_k_overlap_with_loop"] = round(sum(overlap) / len(overlap), 3)
    out["target_met"] = out["speedup_median"] >= 100
    out["load_average_at_end"] = os.getloadavg()
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
