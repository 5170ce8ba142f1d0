"""Small speed helpers shared by the commands."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while records are built or written.

    A 100,000-row workbook makes millions of small acyclic objects (cells, findings), and the
    collector's repeated passes over a growing heap cost about a third of a run.  Reference
    counting still frees everything.  When the outermost block ends, what is alive is moved to
    the collector's permanent generation (``gc.freeze``) before it runs again: otherwise its
    first pass walks every object the block made (0.1–0.3 s on 100,000 rows) only to find
    nothing to free, and later passes walk them again.  Frozen objects are still freed by
    reference counting when the caller drops them; only a reference cycle among them would
    wait for ``gc.unfreeze()``.  Nested use is fine.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


def fork_context() -> Any | None:
    """A ``fork`` multiprocessing context where forking is safe, else None: POSIX, polars not
    imported (a pool forked after polars had run hung when measured) and no other thread alive
    (a lock another thread holds stays held in the child).  Fork costs milliseconds; spawn
    re-imports everything in each worker (about 1 s), which loses at pbm's sizes."""
    import multiprocessing
    import threading

    if os.name == "posix" and "fork" in multiprocessing.get_all_start_methods() \
            and "polars" not in sys.modules and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def end_with_parent(parent: int) -> None:
    """In a worker process (a pool's initializer): end when the process that started it ends
    — ``kill -9`` of ``pbm`` must not leave readers or renderers alive, holding the caller's
    pipes open.  Linux: the kernel's parent-death signal; elsewhere a watch thread."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the signal was set
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="pbm-parent-watch", daemon=True).start()
