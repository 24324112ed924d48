"""The fake FPGA driver: simulated boards that load bitstreams for real.

"For real" as far as an agent can tell: the bitstream file is read to the
end, its size and sha256 are recorded, the load takes ``program_seconds``,
and what a deployable holds survives a restart of the agent.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import dataclasses
import hashlib
import os
import threading
import time

from oslo_config import cfg

from cyborg_fpga.drivers import base
from cyborg_fpga.drivers import errors
from cyborg_fpga.drivers.fake import devices
from cyborg_fpga.drivers.fake import faults
from cyborg_fpga.drivers.fake import inventory

_CHUNK = 1024 * 1024


class FakeDriver(base.FpgaDriver):
    """Entry point ``fake`` in the ``cyborg_fpga.drivers`` namespace."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        # Read once: a bad inventory should stop the agent at start, not
        # surface later as boards that come and go.
        boards = inventory.load(conf.fake_driver.inventory_file)
        self._reports: dict[str, base.DeviceReport] = {}
        # The deployables a load of each one disturbs: a board's regions, a
        # region's board.
        self._related: dict[str, frozenset[str]] = {}
        # What each board runs before its first load here.
        self._factory_shells = {b.uuid: b.shell_id for b in boards}
        for board in boards:
            self._add_board(board)
        self._store = devices.DeviceStore(conf.fake_driver.state_dir)
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()

    def _add_board(self, board: inventory.Board) -> None:
        self._reports[board.uuid] = base.DeviceReport(
            uuid=board.uuid, kind=base.BOARD, name=board.name,
            vendor=board.vendor, board=board.board, address=board.address)
        self._related[board.uuid] = frozenset(r.uuid for r in board.regions)
        for region in board.regions:
            self._reports[region.uuid] = base.DeviceReport(
                uuid=region.uuid, kind=base.REGION, name=region.name,
                vendor=board.vendor, board=board.board,
                address=board.region_address(region),
                parent_uuid=board.uuid,
                region_type_uuid=region.region_type_uuid)
            self._related[region.uuid] = frozenset((board.uuid,))

    def discover(self) -> list[base.DeviceReport]:
        # Boards first, then regions, so that a parent is always known
        # before its children.
        ordered = sorted(self._reports.values(),
                         key=lambda r: r.kind != base.BOARD)
        return [dataclasses.replace(
                    r, loaded_bitstream=self.loaded(r.uuid),
                    loaded_bs_uuid=self._loaded_bs_uuid(r.uuid))
                for r in ordered]

    def _loaded_bs_uuid(self, deployable_uuid: str) -> str | None:
        if not os.path.exists(self._store.state_path(deployable_uuid)):
            # Never loaded here: the board still runs its factory shell.
            return self._factory_shells.get(deployable_uuid)
        return self._store.read(deployable_uuid).loaded_bs_uuid

    def loaded(self, deployable_uuid: str) -> str | None:
        return self.device_state(deployable_uuid).loaded_bitstream

    def device_state(self, deployable_uuid: str) -> devices.DeviceState:
        """All the simulated device records, size and sha256 included."""
        self._report(deployable_uuid)
        return self._store.read(deployable_uuid)

    def program(self, deployable_uuid: str,
                bitstream: base.BitstreamFile) -> None:
        report = self._report(deployable_uuid)
        _check_file(bitstream.path)
        fault = faults.read(self.conf.fake_driver.faults_file,
                            deployable_uuid)
        if fault is not None and fault.fails and fault.kind != faults.PARTIAL:
            # These fail before anything reaches the device.
            raise fault.error()

        with self._claim(deployable_uuid):
            try:
                self._start_load(report, bitstream.uuid)
                # Only now, so that whoever sees the marker (a test about to
                # kill the agent) sees the device already emptied.
                self._store.mark_programming(deployable_uuid, bitstream.uuid)
                size, sha256 = _digest(bitstream.path)
                time.sleep(self.conf.fake_driver.program_seconds +
                           (fault.seconds if fault else 0.0))
                if fault is not None and fault.fails:
                    # A PARTIAL fault: the device stays as _start_load left
                    # it, empty; the note says why.
                    self._store.write(deployable_uuid, devices.DeviceState(
                        note=f'load of {bitstream.uuid} stopped half-way: '
                             f'{fault.reason}'))
                    raise fault.error()
                self._store.write(deployable_uuid, devices.DeviceState(
                    loaded_bitstream=bitstream.uuid,
                    loaded_bs_uuid=bitstream.properties.get('bs-uuid'),
                    size=size, sha256=sha256, loaded_at=devices.now()))
            finally:
                self._store.clear_programming(deployable_uuid)

    def _report(self, deployable_uuid: str) -> base.DeviceReport:
        try:
            return self._reports[deployable_uuid]
        except KeyError:
            known = ', '.join(sorted(self._reports)) or 'none'
            raise errors.DeviceNotFound(
                f'no deployable {deployable_uuid} on this host; the fake '
                f'driver has: {known}') from None

    @contextlib.contextmanager
    def _claim(self, deployable_uuid: str) -> Iterator[None]:
        # Held only to check and mark, never across the load itself, so that
        # loads on unrelated deployables run side by side.
        with self._busy_lock:
            clash = self._busy & (self._related[deployable_uuid] |
                                  {deployable_uuid})
            if clash:
                raise errors.DeviceBusy(
                    f'deployable {deployable_uuid} cannot be programmed '
                    f'while {", ".join(sorted(clash))} is being programmed; '
                    'try again when that load has finished')
            self._busy.add(deployable_uuid)
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy.discard(deployable_uuid)

    def _start_load(self, report: base.DeviceReport,
                    bitstream_uuid: str) -> None:
        # Like a real FPGA, a device being programmed has lost its old image;
        # if the agent dies now, it holds nothing after the restart.
        self._store.write(report.uuid, devices.DeviceState(
            note=f'a load of {bitstream_uuid} started at {devices.now()}; '
                 'empty until it finishes'))
        if report.kind != base.BOARD:
            return
        # A new shell invalidates every PR region built on the old one.
        note = (f'cleared by a shell load onto board {report.uuid} at '
                f'{devices.now()}')
        for region_uuid in sorted(self._related[report.uuid]):
            self._store.write(region_uuid, devices.DeviceState(note=note))


def _check_file(path: str) -> None:
    try:
        size = os.stat(path).st_size
    except OSError as e:
        raise errors.IncompatibleImage(
            f'bitstream file {path} cannot be read: {e}') from e
    if size == 0:
        raise errors.IncompatibleImage('bitstream file is empty')


def _digest(path: str) -> tuple[int, str]:
    """Size and sha256 of the file, read in chunks like a vendor tool."""
    sha256 = hashlib.sha256()
    size = 0
    try:
        with open(path, 'rb') as f:
            while chunk := f.read(_CHUNK):
                sha256.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise errors.ToolFailed(
            f'reading bitstream file {path} failed half-way: {e}') from e
    return size, sha256.hexdigest()
