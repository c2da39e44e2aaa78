"""The time budget counts from the first request, whatever the clock's zero (perf_counter's is boot)."""

import pytest

from migrator.probe.sampler import Budget, BudgetExhausted


def test_time_budget_starts_at_the_first_request_not_at_the_clock_zero() -> None:
    now = [10_000.0]  # a machine up for hours: perf_counter is far past any budget
    budget = Budget(max_seconds=60)
    budget.take(lambda: now[0])
    now[0] += 59
    budget.take(lambda: now[0])
    now[0] += 2
    with pytest.raises(BudgetExhausted, match="time budget of 60 s"):
        budget.take(lambda: now[0])
