"""Drawing review panels (职称评审专家资源共享) from the shared pool. Pure, no Django.

A draw is a function of the eligible pool (expert id, region), the size and
a seed: the same inputs give the same panel, so a recorded draw can be
checked again later.  Seats are spread across the three regions as evenly
as the pool allows (a region with too few experts gives its seats to the
others), then filled by a seeded shuffle within each region.
"""
from __future__ import annotations

import random
from collections.abc import Iterable

PANEL_ALGORITHM = "panel-1"
REGION_ORDER = ("11", "12", "13")


class PoolTooSmall(ValueError):
    def __init__(self, available: int, size: int):
        super().__init__(f"符合条件的专家只有{available}位，不足以组成{size}人的评审专家组")
        self.available = available
        self.size = size


def region_quotas(available: dict[str, int], size: int) -> dict[str, int]:
    """Seats per region: as equal as possible, capped by what each region has."""
    total = sum(available.values())
    if total < size:
        raise PoolTooSmall(total, size)
    regions = [r for r in REGION_ORDER if available.get(r, 0) > 0] + \
              sorted(r for r in available if r not in REGION_ORDER and available[r] > 0)
    quotas = {r: 0 for r in regions}
    left = size
    while left > 0:
        open_regions = [r for r in regions if quotas[r] < available[r]]
        # one seat at a time to the region with the fewest seats so far (ties: fixed region order)
        r = min(open_regions, key=lambda x: (quotas[x], regions.index(x)))
        quotas[r] += 1
        left -= 1
    return quotas


def draw_panel(pool: Iterable[tuple[int, str]], size: int, seed: int) -> list[int]:
    """Expert ids of the panel, in draw order.  `pool`: (expert id, region code) of eligible experts."""
    if size <= 0:
        raise ValueError("size must be positive")
    by_region: dict[str, list[int]] = {}
    for expert_id, region in sorted(set(pool)):
        by_region.setdefault(region, []).append(expert_id)
    quotas = region_quotas({r: len(v) for r, v in by_region.items()}, size)
    rng = random.Random(seed)
    chosen: list[int] = []
    for region in sorted(quotas, key=lambda r: (REGION_ORDER.index(r) if r in REGION_ORDER else 9, r)):
        members = list(by_region[region])
        rng.shuffle(members)
        chosen.extend(members[:quotas[region]])
    return chosen
