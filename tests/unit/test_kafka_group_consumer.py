"""GroupConsumer's poll finishes a group rebalance before fetching (the consumer stall's fix; no servers).

The broker-side reproduction is tests/integration/test_consumer_rebalance_stall.py.
"""

from __future__ import annotations

from kafka.structs import MemberState

from eventkit.kafka import finish_rebalance


class FakeCoordinator:
    """The three coordinator calls finish_rebalance makes, recorded."""

    group_id = "vaxtrail.inventory.stock_on_hand"

    def __init__(self, *, need_rejoin: bool) -> None:
        self.rejoin, self.calls = need_rejoin, []

    def need_rejoin(self) -> bool:
        return self.rejoin

    def request_rejoin(self) -> None:
        self.calls.append("request_rejoin")
        self.rejoin = True

    def ensure_active_group(self, timeout_ms=None) -> bool:
        self.calls.append(("ensure_active_group", timeout_ms))
        self.rejoin = False
        return True


def test_a_stable_member_polls_without_waiting():
    coordinator = FakeCoordinator(need_rejoin=False)
    assert finish_rebalance(coordinator, MemberState.STABLE, wait_ms=10_000)
    assert coordinator.calls == []


def test_the_first_join_is_waited_for_before_the_poll():
    coordinator = FakeCoordinator(need_rejoin=True)
    assert finish_rebalance(coordinator, MemberState.UNJOINED, wait_ms=10_000)
    assert coordinator.calls == [("ensure_active_group", 10_000)]


def test_a_rebalance_asked_for_is_waited_for_before_the_poll():
    coordinator = FakeCoordinator(need_rejoin=True)  # e.g. the heartbeat saw the group rebalancing
    assert finish_rebalance(coordinator, MemberState.STABLE, wait_ms=10_000)
    assert coordinator.calls == [("ensure_active_group", 10_000)]


def test_a_finished_rebalance_nobody_applied_is_joined_again():
    """REBALANCING with nothing asking for a rebalance: kafka-python finished a round trip no poll applied."""
    coordinator = FakeCoordinator(need_rejoin=False)
    assert finish_rebalance(coordinator, MemberState.REBALANCING, wait_ms=10_000)
    assert coordinator.calls == ["request_rejoin", ("ensure_active_group", 10_000)]
