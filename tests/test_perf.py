"""The garbage-collector pause used around bulk reading, scoring and writing."""

from __future__ import annotations

import gc
import weakref

from pbm.perf import collector_paused


class _Row:
    """Stands for a record object (tracked by the collector, as dataclass instances are)."""

    def __init__(self, values: list) -> None:
        self.values = values


def test_collector_is_off_inside_and_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner block must not switch the collector back on"
    assert gc.isenabled()


def test_objects_built_in_the_block_are_not_walked_again_but_still_freed():
    before = gc.get_freeze_count()
    with collector_paused():
        rows = [_Row([k, str(k)]) for k in range(20_000)]
    # Moved out of the generations the collector walks (no pass over them after the block).
    assert gc.get_freeze_count() >= before + 20_000
    probe = weakref.ref(rows[-1])
    del rows
    assert probe() is None, "reference counting still frees what the caller drops"


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
