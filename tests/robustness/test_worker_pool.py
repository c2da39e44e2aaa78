"""The worker pool of large runs: results in order, a worker's error raised in the parent, a lost
worker reported instead of waited for, and nothing left running after a stop."""

import multiprocessing
import os
import signal

import pytest

from migrator import workers


def _square(n: int) -> int:
    return n * n


def _fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


def _die_on_seven(n: int) -> int:
    if n == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def _remember(value: str) -> None:
    os.environ["VNI_TEST_WORKER_STATE"] = value


def _state(_: int) -> str:
    return os.environ.get("VNI_TEST_WORKER_STATE", "")


def _stop_parent_on_five(n: int) -> int:
    if n == 5:
        os.kill(os.getppid(), signal.SIGINT)
        signal.pause()  # stays busy until the parent ends it
    return n


@pytest.mark.parametrize("chunksize", [1, 3, 50])
def test_results_come_in_the_order_of_the_items(chunksize: int) -> None:
    with workers.pool(3) as pool:
        assert list(pool.map(_square, list(range(40)), chunksize=chunksize)) == [n * n for n in range(40)]
        assert list(pool.map(_square, [])) == []
    assert multiprocessing.active_children() == []


def test_each_worker_runs_the_initializer_first() -> None:
    with workers.pool(2, _remember, ("loaded",)) as pool:
        assert set(pool.map(_state, list(range(10)))) == {"loaded"}


def test_an_error_in_a_worker_is_raised_in_the_parent_and_the_workers_end() -> None:
    with pytest.raises(ValueError, match="seven is not allowed"), workers.pool(2) as pool:
        list(pool.map(_fail_on_seven, list(range(20))))
    assert multiprocessing.active_children() == []


def test_a_worker_killed_mid_work_is_reported_not_waited_for() -> None:
    with pytest.raises(workers.WorkerLost), workers.pool(2) as pool:
        list(pool.map(_die_on_seven, list(range(20))))
    assert multiprocessing.active_children() == []


def test_a_stop_while_workers_are_busy_ends_every_worker() -> None:
    with pytest.raises(KeyboardInterrupt), workers.pool(2) as pool:
        list(pool.map(_stop_parent_on_five, list(range(10))))
    assert multiprocessing.active_children() == []


def test_batches_shrink_towards_the_end_so_no_worker_is_left_with_a_whole_batch() -> None:
    items = list(range(1000))
    batches = workers._batches(items, 2, 60)
    assert [i for batch in batches for i in batch] == items
    assert max(len(b) for b in batches) == 60
    assert len(batches[-1]) == 1 and sum(len(b) for b in batches[-6:]) < 20
    assert workers._batches([], 2, 5) == [] and workers._batches([1], 4, 5) == [[1]]


def test_results_come_in_order_whatever_the_batch_sizes() -> None:
    with workers.pool(2) as pool:
        assert list(pool.map(_square, list(range(300)), chunksize=40)) == [n * n for n in range(300)]
