"""The process's matching indexes, kept fresh across processes.

Every change to matching data appends an ``IndexChange`` row in the same transaction (see signals.py).
Each process remembers the last sequence number it applied; before answering it reads the rows after it
(one indexed query when nothing changed) and upserts or removes just those records, so a change made by
any web process or worker shows in the next recommendation everywhere, without a restart or a rebuild.
A full rebuild happens on first use, after many changes, or when the log was pruned or rolled back past
the process's position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from django.conf import settings

from .engine import ExpertIndex, default_taxonomy
from .engine.graduates import GraduateIndex
from .models import IndexChange

log = logging.getLogger(__name__)

FULL_REBUILD_AFTER = 2000   # pending changes beyond which a rebuild is cheaper than upserts


class IndexHolder:
    def __init__(self):
        self._lock = threading.RLock()
        self.experts: ExpertIndex | None = None
        self.graduates: GraduateIndex | None = None
        self.seq = 0
        self.anchor = None          # (seq, at) of the last applied change, to detect a log rewound or pruned
        self.builds = 0
        self.applied = 0

    def reset(self) -> None:
        with self._lock:
            self.experts = self.graduates = None
            self.seq, self.anchor = 0, None

    # ------------------------------------------------------------ public
    def expert_index(self) -> ExpertIndex:
        self.sync()
        return self.experts

    def graduate_index(self) -> GraduateIndex:
        self.sync()
        return self.graduates

    def sync(self) -> None:
        with self._lock:
            if self.experts is None:
                self._rebuild()
                return
            rows = list(IndexChange.objects.filter(seq__gte=self.seq).order_by("seq")
                        .values_list("seq", "at", "kind", "object_id")[:FULL_REBUILD_AFTER + 2])
            if self.anchor is not None:
                if not rows or rows[0][0] != self.anchor[0] or rows[0][1] != self.anchor[1]:
                    log.info("matching index: change log rewound or pruned, rebuilding")
                    self._rebuild()
                    return
                rows = rows[1:]
            if not rows:
                return
            if len(rows) > FULL_REBUILD_AFTER or any(kind == IndexChange.Kind.ALL for _, _, kind, _ in rows):
                self._rebuild()
                return
            self._apply(rows)

    # ------------------------------------------------------------ internals
    def _latest(self):
        return IndexChange.objects.order_by("-seq").values_list("seq", "at").first()

    def _rebuild(self) -> None:
        from . import selectors

        t0 = time.perf_counter()
        latest = self._latest()            # read first: changes committed during the build are re-applied
        tax = default_taxonomy()
        weights = getattr(settings, "MATCHING_WEIGHTS", None)
        demands = selectors.demand_records()
        self.experts = ExpertIndex.build(selectors.expert_records(), tax, demands=demands, weights=weights,
                                         acceptance_model=selectors.acceptance_model())
        self.graduates = GraduateIndex.build(selectors.graduate_records(), tax,
                                             positions=[d for d in demands if d.kind == "position"])
        self.seq, self.anchor = (latest[0], latest) if latest else (0, None)
        self.builds += 1
        log.info("matching index built: %d experts, %d demands, %d graduates in %.2fs",
                 len(self.experts), len(self.experts.demands), len(self.graduates.graduates),
                 time.perf_counter() - t0)

    def _apply(self, rows) -> None:
        from . import selectors

        ids = defaultdict(set)
        for _, _, kind, object_id in rows:
            ids[kind].add(object_id)
        if ids[IndexChange.Kind.EXPERT]:
            found = {r.id: r for r in selectors.expert_records(ids=ids[IndexChange.Kind.EXPERT])}
            for eid in ids[IndexChange.Kind.EXPERT]:
                rec = found.get(eid)
                if rec is not None and rec.verified_active:
                    self.experts.upsert_expert(rec)
                else:
                    self.experts.remove_expert(eid)
        if ids[IndexChange.Kind.DEMAND]:
            found = {r.id: r for r in selectors.demand_records(ids=ids[IndexChange.Kind.DEMAND])}
            for did in ids[IndexChange.Kind.DEMAND]:
                rec = found.get(did)
                if rec is not None and rec.is_open:
                    self.experts.upsert_demand(rec)
                    self.graduates.upsert_position(rec)
                else:
                    self.experts.remove_demand(did)
                    self.graduates.remove_position(did)
        if ids[IndexChange.Kind.GRADUATE]:
            found = {r.id: r for r in selectors.graduate_records(ids=ids[IndexChange.Kind.GRADUATE])}
            for gid in ids[IndexChange.Kind.GRADUATE]:
                rec = found.get(gid)
                if rec is not None and rec.seeking:
                    self.graduates.upsert_graduate(rec)
                else:
                    self.graduates.remove_graduate(gid)
        last = rows[-1]
        self.seq, self.anchor = last[0], (last[0], last[1])
        self.applied += len(rows)


holder = IndexHolder()


def warm_in_background() -> threading.Thread:
    """Build this process's indexes in a daemon thread, so the first recommendation after a start does not wait
    for the build (about a minute for 100,000 experts). Called when a gunicorn worker or a Celery pool process
    starts (``MATCHING_WARM_ON_START``); a request arriving meanwhile waits on the holder's lock for the same
    build instead of starting another."""
    from django.db import connection

    def run():
        started = time.monotonic()
        try:
            holder.sync()  # builds both indexes
            log.info("matching indexes warmed in %.1f s", time.monotonic() - started)
        except Exception:  # a warm-up failure only means the first request builds it
            log.exception("matching index warm-up failed")
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run, name="matching-warm-up", daemon=True)
    thread.start()
    return thread
