"""Allocation methods propose whole vials in proportion to demand; fixed quotas come off the top."""

from __future__ import annotations

import pytest

from eventkit.errors import DomainError
from services.allocation.domain.proposal import Demand, propose

DEMAND = [Demand("79", 3_000, {"G1": 1_000, "G5": 2_000}), Demand("01", 1_000, {"G1": 1_000}),
          Demand("48", 0)]


def test_population_proportional_splits_in_whole_vials_by_approved_population():
    assert propose("POPULATION", 40_000, DEMAND, 10) == {"79": 30_000, "01": 10_000}


def test_fixed_quotas_for_special_units_come_off_the_top():
    shares = propose("POPULATION", 40_000, DEMAND, 10, fixed_quotas={"SU-ARMY": 4_000})
    assert shares == {"SU-ARMY": 4_000, "79": 27_000, "01": 9_000}


def test_priority_weighted_counts_groups_by_their_weight_and_hot_spots():
    shares = propose("PRIORITY_WEIGHTED", 10_000, DEMAND, 10, group_weights={"G1": 3, "G5": 1},
                     unit_weights={"79": 2})
    assert shares == {"79": 7_690, "01": 2_310}  # weights 10,000 : 3,000


def test_progress_top_up_favours_units_that_are_behind():
    behind = [Demand("79", 3_000, first_doses_allocated=2_500), Demand("01", 1_000, first_doses_allocated=0)]
    assert propose("PROGRESS", 1_500, behind, 10) == {"79": 500, "01": 1_000}


def test_largest_remainder_keeps_the_total_within_whole_vials():
    shares = propose("POPULATION", 1_000, [Demand("a", 1), Demand("b", 1), Demand("c", 1)], 10)
    assert sum(shares.values()) == 1_000 and all(d % 10 == 0 for d in shares.values())


def test_manual_plans_are_not_proposed():
    with pytest.raises(DomainError) as error:
        propose("MANUAL", 1_000, DEMAND, 10)
    assert error.value.field == "method"
