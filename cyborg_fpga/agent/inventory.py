"""What the agent's host has, as its drivers see it, sent to the conductor.

The agent reports at start (retrying until a conductor answers), every
``[agent] report_interval`` seconds, and soon after each load, so that
deployables appear and disappear without anyone entering them by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import threading
from typing import Any

from oslo_log import log as logging

from cyborg_fpga import context
from cyborg_fpga.drivers import base as driver_base
from cyborg_fpga import exception

LOG = logging.getLogger(__name__)

_RETRY_SECONDS = (1, 2, 5, 10)


class InventoryReporter:

    def __init__(self, conf: Any, drivers: dict[str, driver_base.FpgaDriver],
                 conductor: Any) -> None:
        self.conf = conf
        self.drivers = drivers
        self.conductor = conductor
        self._owners: dict[str, driver_base.FpgaDriver] = {}
        self._kinds: dict[str, str] = {}
        self._lock = threading.Lock()
        # Held from collecting a report until the conductor has stored it.
        self._in_flight = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def collect(self) -> list[dict[str, Any]]:
        """Every deployable of every driver, as the conductor wants it."""
        reports: list[dict[str, Any]] = []
        owners: dict[str, driver_base.FpgaDriver] = {}
        kinds: dict[str, str] = {}
        for name, driver in self.drivers.items():
            for device in driver.discover():
                reports.append(dict(device.to_dict(), driver=name))
                owners[device.uuid] = driver
                kinds[device.uuid] = device.kind
        with self._lock:
            self._owners = owners
            self._kinds = kinds
        return reports

    def driver_of(self, deployable_uuid: str) -> driver_base.FpgaDriver | None:
        """The driver that owns a deployable; looks again for new hardware."""
        with self._lock:
            driver = self._owners.get(deployable_uuid)
        if driver is None:
            self.collect()
            with self._lock:
                driver = self._owners.get(deployable_uuid)
        return driver

    def is_board(self, deployable_uuid: str) -> bool:
        """Whether the deployable is a board, as last collected."""
        with self._lock:
            return self._kinds.get(deployable_uuid) == driver_base.BOARD

    def report(self) -> None:
        with self._in_flight:
            self.conductor.report_inventory(
                context.admin_context(), self.conf.host, sorted(self.drivers),
                self.collect())

    @contextlib.contextmanager
    def settled(self) -> Iterator[None]:
        """No report is between being collected and being stored.

        A load answers inside this: a report collected before the load
        ended is then stored before the conductor records the load, never
        after it, where it would put the device's old state back (until the
        next report) and drop the new PF and VF deployables.
        """
        with self._in_flight:
            yield

    def report_soon(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='inventory-reporter')
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                self.report()
            except (exception.FpgaError, OSError) as e:
                delay = _RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)]
                failures += 1
                LOG.warning('Inventory report failed (%s); retrying in %ss.',
                            getattr(e, 'message', e), delay)
            except Exception:
                delay = _RETRY_SECONDS[-1]
                failures += 1
                LOG.exception('Inventory report failed; retrying in %ss.',
                              delay)
            else:
                delay = self.conf.agent.report_interval
                failures = 0
            self._wake.wait(delay)
            self._wake.clear()
