"""The agent of one host: loads bitstreams through the vendor drivers.

It serves the specification's call ``program_fpga_with_bitstream`` and
answers with the specification's codes (0 loaded, 1 unknown error,
2 invalid deployable, 3 invalid bitstream). It holds no database
credentials: what it knows of the host reaches the conductor over RPC.

A load skips a device that already holds the bitstream (unless forced),
refuses a driver package it may not run (``driver_package``), gets the data
verified through the cache (``fetch``), programs, then installs the package.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import os
import threading
from typing import Any

from oslo_log import log as logging
import oslo_messaging as messaging

from cyborg_fpga.agent import cache as bitstream_cache
from cyborg_fpga.agent import driver_package
from cyborg_fpga.agent import fetch
from cyborg_fpga.agent import inventory
from cyborg_fpga.drivers import base as driver_base
from cyborg_fpga.drivers import errors as driver_errors
from cyborg_fpga.image import base as image_base
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import ProgramResult
from cyborg_fpga.program_result import result

LOG = logging.getLogger(__name__)


class AgentManager:
    # RPC API history: 1.0 program_fpga_with_bitstream; 1.1 its force;
    # 1.2 its bitstream record (agent/rpcapi.py).
    target = messaging.Target(version='1.2')

    def __init__(self, conf: Any, drivers: dict[str, driver_base.FpgaDriver],
                 image_service: image_base.ImageService,
                 reporter: inventory.InventoryReporter) -> None:
        self.conf = conf
        self.drivers = drivers
        self.image_service = image_service
        self.reporter = reporter
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()
        os.makedirs(conf.agent.work_dir, exist_ok=True)
        self.cache = bitstream_cache.BitstreamCache(
            conf.agent.cache_dir, conf.agent.cache_max_bytes)
        self.fetcher = fetch.Fetcher(image_service, self.cache)

    def program_fpga_with_bitstream(self, ctxt: Any, deployable_uuid: str,
                                    bitstream_uuid: str,
                                    force: bool = False,
                                    bitstream: dict[str, Any] | None = None
                                    ) -> ProgramResult:
        """Load a bitstream; ``force`` loads even what the device holds.

        ``bitstream`` is the image record the conductor read as the caller
        (``Bitstream.to_dict()``); without it the agent reads it itself.
        """
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
            if not force and self._holds(driver, deployable_uuid,
                                         bitstream_uuid):
                # Loading it again would cost a download and the device's
                # downtime for nothing; the conductor's compatibility checks
                # and the caller's right to the bitstream were already
                # checked before this call.
                LOG.info('%s already holds %s; not loading it again.',
                         deployable_uuid, bitstream_uuid)
                return result(ProgramCode.SUCCESS,
                              loaded_bitstream=bitstream_uuid, skipped=True)
            code, reason = self._load(ctxt, driver, deployable_uuid,
                                      bitstream_uuid, bitstream)
        with self.reporter.settled():
            answer = self._answer(driver, deployable_uuid, code, reason)
        if (code is ProgramCode.SUCCESS or answer['loaded_bitstream'] == (
                bitstream_uuid)) and self.reporter.is_board(deployable_uuid):
            # Loaded (even if its driver package then failed): a new shell
            # empties the board's regions, so let the conductor see the
            # whole host again without waiting for the next report. A
            # region's load changes nothing else a report tells, and the
            # conductor records it from this answer: a report after each
            # would sync the whole host, locking its rows against the next
            # load (see the benchmark's latency and fleet rows).
            self.reporter.report_soon()
        return answer

    @staticmethod
    def _holds(driver: driver_base.FpgaDriver, deployable_uuid: str,
               bitstream_uuid: str) -> bool:
        try:
            return driver.loaded(deployable_uuid) == bitstream_uuid
        except Exception as e:
            # Not knowing is no reason to refuse: the load finds out.
            LOG.warning('Driver could not tell what %s holds (%s); loading.',
                        deployable_uuid, e)
            return False

    def _load(self, ctxt: Any, driver: driver_base.FpgaDriver,
              deployable_uuid: str, bitstream_uuid: str,
              record: dict[str, Any] | None
              ) -> tuple[ProgramCode, str | None]:
        try:
            image = self._image(ctxt, bitstream_uuid, record)
        except fetch.DOWNLOAD_ERRORS as e:
            return ProgramCode.INVALID_BITSTREAM, (
                'bitstream %s cannot be downloaded: %s'
                % (bitstream_uuid, e.message))
        try:
            # Before the download: a refused package costs nothing.
            package = driver_package.check(self.conf, image)
        except driver_package.Refused as e:
            LOG.warning('Refusing %s: %s', bitstream_uuid, e.reason)
            return ProgramCode.INVALID_BITSTREAM, e.reason
        try:
            with self.fetcher.fetch(ctxt, image) as bitstream:
                code, reason = self._program(driver, deployable_uuid,
                                             bitstream)
        except fetch.FetchError as e:
            LOG.warning('Not loading %s onto %s: %s', bitstream_uuid,
                        deployable_uuid, e.reason)
            return e.code, e.reason
        if code is ProgramCode.SUCCESS and package is not None:
            try:
                driver_package.install(self.conf, package, deployable_uuid)
            except driver_package.InstallFailed as e:
                LOG.warning('%s', e.reason)
                return ProgramCode.UNKNOWN_ERROR, e.reason
        return code, reason

    def _image(self, ctxt: Any, bitstream_uuid: str,
               record: dict[str, Any] | None) -> image_base.Bitstream:
        if record is not None:
            image = image_base.Bitstream.from_dict(record)
            if image.uuid == bitstream_uuid:
                return image
            LOG.warning('The record sent with %s is of %s; reading it from '
                        'the image service.', bitstream_uuid, image.uuid)
        return self.image_service.get(ctxt, bitstream_uuid)

    @staticmethod
    def _program(driver: driver_base.FpgaDriver, deployable_uuid: str,
                 bitstream: driver_base.BitstreamFile
                 ) -> tuple[ProgramCode, str | None]:
        try:
            driver.program(deployable_uuid, bitstream)
        except driver_errors.DriverError as e:
            LOG.warning('Driver failed to load %s onto %s: %s',
                        bitstream.uuid, deployable_uuid, e.reason)
            return e.program_code, e.reason
        except Exception as e:
            LOG.exception('Driver crashed loading %s onto %s',
                          bitstream.uuid, deployable_uuid)
            return ProgramCode.UNKNOWN_ERROR, (
                'unexpected driver error: %s' % e)
        return ProgramCode.SUCCESS, None

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
