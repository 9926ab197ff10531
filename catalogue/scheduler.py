"""Harvest the nodes that are due, in the background of a running portal.

For cron-style operation, ``gdi-catalogue harvest --due`` does one round and exits; this thread does the
same every ``check_every`` seconds for deployments that prefer one long-running process
(``GDI_HARVEST_SCHEDULER=true``). A round never overlaps the previous one, and a failing round is
logged and retried at the next tick rather than stopping the schedule.
"""

from __future__ import annotations

import logging
import re
import threading

from catalogue.errors import BadRequest

log = logging.getLogger(__name__)
_INTERVAL = re.compile(r"^\s*(\d+)\s*([mhd]?)\s*$", re.I)
_UNIT_MINUTES = {"": 1, "m": 1, "h": 60, "d": 1440}


def parse_interval(value: str) -> int:
    """Minutes from ``90``, ``90m``, ``6h`` or ``1d``; ``0`` means "no schedule"."""
    match = _INTERVAL.match(value or "")
    if not match:
        raise BadRequest(f"harvest interval {value!r} is not a number of minutes, or a number followed by "
                         "m, h or d (e.g. 30m, 6h, 1d)")
    return int(match.group(1)) * _UNIT_MINUTES[match.group(2).lower()]


class HarvestScheduler:
    """A daemon thread calling ``catalogue.harvest_due()`` every ``check_every`` seconds."""

    def __init__(self, catalogue, check_every: float = 60.0):
        self.catalogue = catalogue
        self.check_every = check_every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0

    def start(self) -> HarvestScheduler:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="harvest-scheduler", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                for summary in self.catalogue.harvest_due():
                    log.info("scheduled harvest of %s: %s %s", summary.node, summary.status, summary.message or "")
            except Exception:  # the schedule must survive a bad round
                log.exception("scheduled harvest round failed")
            self.rounds += 1
            self._stop.wait(self.check_every)
