"""The agent of one host: loads bitstreams through the vendor drivers.

It serves the specification's call ``program_fpga_with_bitstream`` and
answers with the specification's codes (0 loaded, 1 unknown error,
2 invalid deployable, 3 invalid bitstream). It holds no database
credentials: what it knows of the host reaches the conductor over RPC.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
import tempfile
import threading
from typing import Any

from oslo_log import log as logging
import oslo_messaging as messaging

from cyborg_fpga.agent import inventory
from cyborg_fpga.drivers import base as driver_base
from cyborg_fpga.drivers import errors as driver_errors
from cyborg_fpga import exception
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import ProgramResult
from cyborg_fpga.program_result import result

LOG = logging.getLogger(__name__)


class AgentManager:
    # RPC API history: 1.0 program_fpga_with_bitstream.
    target = messaging.Target(version='1.0')

    def __init__(self, conf: Any, drivers: dict[str, driver_base.FpgaDriver],
                 image_service: Any,
                 reporter: inventory.InventoryReporter) -> None:
        self.conf = conf
        self.drivers = drivers
        self.image_service = image_service
        self.reporter = reporter
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()
        os.makedirs(conf.agent.work_dir, exist_ok=True)

    def program_fpga_with_bitstream(self, ctxt: Any, deployable_uuid: str,
                                    bitstream_uuid: str) -> ProgramResult:
        driver = self.reporter.driver_of(deployable_uuid)
        if driver is None:
            return result(ProgramCode.INVALID_DEPLOYABLE,
                          'no deployable %s on host %s'
                          % (deployable_uuid, self.conf.host),
                          state_known=False)
        with self._exclusive(deployable_uuid) as free:
            if not free:
                # The conductor's lock makes this unreachable in a sound
                # deployment; it guards the device if two conductors
                # disagree about the database.
                return self._answer(driver, deployable_uuid,
                                    ProgramCode.UNKNOWN_ERROR,
                                    'a load is already running on it')
            code, reason = self._load(ctxt, driver, deployable_uuid,
                                      bitstream_uuid)
        answer = self._answer(driver, deployable_uuid, code, reason)
        if code is ProgramCode.SUCCESS:
            # A new shell empties the board's regions: let the conductor
            # see the whole host again without waiting for the next report.
            self.reporter.report_soon()
        return answer

    def _load(self, ctxt: Any, driver: driver_base.FpgaDriver,
              deployable_uuid: str,
              bitstream_uuid: str) -> tuple[ProgramCode, str | None]:
        with self._download(ctxt, bitstream_uuid) as (bitstream, problem):
            if bitstream is None:
                return ProgramCode.INVALID_BITSTREAM, problem
            try:
                driver.program(deployable_uuid, bitstream)
            except driver_errors.DriverError as e:
                LOG.warning('Driver failed to load %s onto %s: %s',
                            bitstream_uuid, deployable_uuid, e.reason)
                return e.program_code, e.reason
            except Exception as e:
                LOG.exception('Driver crashed loading %s onto %s',
                              bitstream_uuid, deployable_uuid)
                return ProgramCode.UNKNOWN_ERROR, (
                    'unexpected driver error: %s' % e)
        return ProgramCode.SUCCESS, None

    @contextlib.contextmanager
    def _download(self, ctxt: Any, bitstream_uuid: str) -> Iterator[
            tuple[driver_base.BitstreamFile | None, str | None]]:
        """Fetch the bitstream into the work folder; remove it afterwards."""
        fd, path = tempfile.mkstemp(prefix=bitstream_uuid + '.', suffix='.bit',
                                    dir=self.conf.agent.work_dir)
        os.close(fd)
        try:
            try:
                properties = self.image_service.get(
                    ctxt, bitstream_uuid).properties
                size = self.image_service.download(ctxt, bitstream_uuid, path)
            except (exception.BitstreamNotFound, exception.BitstreamInvalid,
                    exception.ImageServiceUnavailable,
                    exception.NotAuthenticated) as e:
                yield None, 'bitstream %s cannot be downloaded: %s' % (
                    bitstream_uuid, e.message)
                return
            yield driver_base.BitstreamFile(
                uuid=bitstream_uuid, path=path, size=size,
                properties=properties), None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def _answer(self, driver: driver_base.FpgaDriver, deployable_uuid: str,
                code: ProgramCode, reason: str | None) -> ProgramResult:
        """The result, with what the device holds now, asked of the driver."""
        try:
            loaded = driver.loaded(deployable_uuid)
        except Exception:
            LOG.exception('Driver could not tell what %s holds',
                          deployable_uuid)
            return result(code, reason, state_known=False)
        return result(code, reason, loaded_bitstream=loaded)

    @contextlib.contextmanager
    def _exclusive(self, deployable_uuid: str) -> Iterator[bool]:
        with self._busy_lock:
            free = deployable_uuid not in self._busy
            self._busy.add(deployable_uuid)
        try:
            yield free
        finally:
            if free:
                with self._busy_lock:
                    self._busy.discard(deployable_uuid)
