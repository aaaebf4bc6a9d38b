"""Allocation command handlers: one plain function per command (:mod:`.plans`, :mod:`.sessions`), the
:class:`Deps` they read besides the store, the :data:`COMMANDS` table and the bus that runs it.

Commands that promise doses from a store (every plan command, a reserve recompute, a dispensing) decide
over *every* plan, reserve or session of that store, folded from the service's own events, not only over
the streams they append to. Optimistic concurrency cannot guard that (a plan drafted concurrently is a new
stream), so :class:`PromiseBus` runs each of them under the store's named lock
(``store.exclusive("allocation:<store>")``, held across processes from the read to the commit):
:data:`PROMISES_FROM` says, per command, which store that is. Plans of different stores never wait for
each other; each aggregate's own append is still guarded by its version (INV-37, 409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from eventkit.aggregates import AggregateSpec, EventSourcing
from eventkit.clock import CAMPAIGN_ZONE
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus, CommandTable
from eventkit.store.base import AppendResult
from services.allocation.domain import commands
from services.allocation.domain.sessions import PlanSession
from services.allocation.handlers import plans as plan_handlers
from services.allocation.handlers import sessions as session_handlers
from services.allocation.handlers.aggregates import PLAN, SESSION
from services.allocation.queries import Queries


@dataclass(frozen=True)
class Deps:
    """What decisions read besides the streams they load: the clock, the read models and the own store's
    folded streams (``EventSourcing.fold_type``)."""

    clock: Callable[[], datetime]
    read: Queries
    fold_type: Callable[[AggregateSpec], dict[str, Any]]
    zone: tzinfo = CAMPAIGN_ZONE
    """The campaign zone (``CAMPAIGN_TIME_ZONE``): "today" and every session date are days of it."""


COMMANDS: CommandTable = {
    commands.DraftAllocationPlan: plan_handlers.draft_plan,
    commands.AllocateLine: plan_handlers.allocate_line,
    commands.RemoveLine: plan_handlers.remove_line,
    commands.SubmitPlan: plan_handlers.submit_plan,
    commands.ApprovePlan: plan_handlers.approve_plan,
    commands.RejectPlan: plan_handlers.reject_plan,
    commands.CancelPlan: plan_handlers.cancel_plan,
    commands.AmendLine: plan_handlers.amend_line,
    commands.ReleasePlan: plan_handlers.release_plan,
    commands.RecomputeSecondDoseReserve: session_handlers.recompute_reserve,
    PlanSession: session_handlers.plan_session,
    commands.DispenseToSession: session_handlers.dispense,
}


def _plan_source(command: Any, es: EventSourcing, deps: Deps) -> str:
    state, _ = es.load(PLAN, command.plan_id)
    return plan_handlers.existing(state, command.plan_id).source_location_id


def _draft_source(command: commands.DraftAllocationPlan, es: EventSourcing, deps: Deps) -> str:
    return deps.read.store_of(command.level, command.province_code, command.source_location_id)


def _district_of_session(command: commands.DispenseToSession, es: EventSourcing, deps: Deps) -> str:
    state, _ = es.load(SESSION, command.session_id)
    return session_handlers.existing_session(state, command.session_id).district_health_centre_id


PROMISES_FROM: dict[type, Callable[[Any, EventSourcing, Deps], str]] = {
    commands.DraftAllocationPlan: _draft_source,
    **dict.fromkeys((commands.AllocateLine, commands.RemoveLine, commands.SubmitPlan, commands.ApprovePlan,
                     commands.RejectPlan, commands.CancelPlan, commands.AmendLine, commands.ReleasePlan),
                    _plan_source),
    commands.RecomputeSecondDoseReserve: lambda command, es, deps: session_handlers.holding_store(command, deps),
    commands.DispenseToSession: _district_of_session,
}
"""The store whose promises a command decides over (and whose lock it holds); absent: no lock."""


class PromiseBus(CommandBus):
    """The :class:`~eventkit.handling.CommandBus` that holds the store's lock around promising commands."""

    def handle(self, command: Any, context: CommandContext) -> AppendResult:
        store_of = PROMISES_FROM.get(type(command))
        if store_of is None:
            return super().handle(command, context)
        with self.es.store.exclusive(f"allocation:{store_of(command, self.es, self.deps)}"):
            return super().handle(command, context)


def bus(es: EventSourcing, deps: Deps) -> CommandBus:
    return PromiseBus(es, COMMANDS, deps)
