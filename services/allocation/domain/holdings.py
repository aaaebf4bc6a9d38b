"""Which lots other plans' holdings must come from: what a plan pinned to some lots has to leave them (INV-15).

A plan holds doses of its store until inventory dispatches them. A plan that pins lots (``lot_ids``) draws
only from those lots; an unpinned plan draws from any usable lot of its presentation. So a plan pinned to
lots ``L`` competes only with the part of the other plans' holdings that cannot be served from outside
``L``: the others' holdings minus the most that lots outside ``L`` can give them, each plan taking only
from its own lots (a maximum flow from plans to lots, capacities the doses on hand). For an unpinned plan
``L`` is every lot and that is all the others hold, as before; a plan pinned to an untouched lot is not
charged for another plan holding a different lot of the same store.

Pure: no I/O; the numbers are small (the plans and lots of one store and presentation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    """What one other plan still holds (allocated - dispatched) and the lots it may take them from."""

    doses: int
    lot_ids: frozenset[str] = frozenset()
    """Empty: any usable lot of the presentation."""


def most_served(holdings: Iterable[Holding], supply: Mapping[str, int]) -> int:
    """The most doses of ``holdings`` that ``supply`` (doses per lot) can serve, each from its own lots."""
    plans = [h for h in holdings if h.doses > 0]
    lots = [lot for lot, doses in supply.items() if doses > 0]
    # Node 0 source, 1..P plans, P+1..P+L lots, P+L+1 sink; residual capacities in a dict of dicts.
    sink = len(plans) + len(lots) + 1
    capacity: dict[int, dict[int, int]] = {node: {} for node in range(sink + 1)}

    def edge(a: int, b: int, c: int) -> None:
        capacity[a][b] = capacity[a].get(b, 0) + c
        capacity[b].setdefault(a, 0)

    for p, holding in enumerate(plans, 1):
        edge(0, p, holding.doses)
        for index, lot in enumerate(lots):
            if not holding.lot_ids or lot in holding.lot_ids:
                edge(p, len(plans) + 1 + index, holding.doses)
    for index, lot in enumerate(lots):
        edge(len(plans) + 1 + index, sink, supply[lot])
    served = 0
    while True:  # Edmonds-Karp: shortest augmenting paths
        parent = {0: 0}
        frontier = [0]
        while frontier and sink not in parent:
            following = []
            for node in frontier:
                for nxt, left in capacity[node].items():
                    if left > 0 and nxt not in parent:
                        parent[nxt] = node
                        following.append(nxt)
            frontier = following
        if sink not in parent:
            return served
        path, node = [], sink
        while node != 0:
            path.append((parent[node], node))
            node = parent[node]
        pushed = min(capacity[a][b] for a, b in path)
        for a, b in path:
            capacity[a][b] -= pushed
            capacity[b][a] += pushed
        served += pushed


def committed_to(lot_ids: Iterable[str], holdings: Iterable[Holding], supply: Mapping[str, int]) -> int:
    """The part of ``holdings`` that must come from ``lot_ids``: what lots outside them cannot serve."""
    pinned = frozenset(lot_ids)
    holdings = tuple(holdings)
    outside = {lot: doses for lot, doses in supply.items() if lot not in pinned}
    return sum(h.doses for h in holdings if h.doses > 0) - most_served(holdings, outside)


__all__ = ["Holding", "committed_to", "most_served"]
