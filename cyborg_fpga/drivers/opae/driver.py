"""The OPAE driver (entry point ``opae``): AFUs into PR regions with fpgaconf.

Discovery reads the DFL sysfs tree (``dfl``): the FME of each card is a
board, each port a region. Loading reads the GBS header (``gbs``), refuses
a GBS built for another FIM before any tool runs, runs fpgaconf through
privsep naming the card's exact PCI segment, bus, device and function, and
then asks the port whether it holds the GBS's AFU.
"""

from __future__ import annotations

from oslo_config import cfg

from cyborg_fpga.drivers import base
from cyborg_fpga.drivers import errors
from cyborg_fpga.drivers.opae import dfl
from cyborg_fpga.drivers.opae import gbs
from cyborg_fpga.drivers import records
from cyborg_fpga.drivers import tools

VENDOR = 'Intel'

# fpgaconf's exit codes and messages (OPAE's tools/fpgaconf): 2 the GBS
# could not be read, 4 no FPGA at that address accepts its interface, 5
# the load itself failed, with fpgaErrStr's words after the colon.
RULES = (
    tools.Rule(errors.DeviceBusy, r'resource busy|Device or resource busy',
               transient=True,
               advice='stop the applications using the accelerator and try '
                      'again'),
    tools.Rule(errors.ProgramTimeout, r'timed out waiting for',
               transient=True,
               advice='the card did not answer in time; see the kernel log '
                      'of the host for the card'),
    tools.Rule(errors.IncompatibleImage, exit_codes=frozenset((2,)),
               advice='fpgaconf cannot read the file as a GBS'),
    tools.Rule(errors.IncompatibleImage, r'No suitable slots found',
               advice='no FPGA at that address accepts the interface of this '
                      'GBS; it was built for another FIM'),
    tools.Rule(errors.ToolFailed, r'insufficient privileges|Permission denied',
               advice='the privileged helper of the agent (oslo.privsep) '
                      'lacks root privileges'),
    tools.Rule(errors.ToolFailed, r'reconfiguration error',
               advice='the region may hold nothing usable until it is '
                      'loaded again'),
)


class OpaeDriver(base.FpgaDriver):

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        group = conf.opae_driver
        self._root = group.sysfs_root
        self._group = group
        self._records = records.LoadRecords(group.state_dir)
        self._claims = tools.Claims()
        self._fpgaconf = tools.Tool(
            'fpgaconf', group.fpgaconf_path, RULES,
            attempts=group.tool_attempts, retry_delay=group.retry_delay,
            install_hint='install the OPAE tools on the host or set '
                         '[opae_driver] fpgaconf_path')

    def _board_uuid(self, card: dfl.Card) -> str:
        return records.deployable_uuid(self.conf.host, card.address)

    def _region_uuid(self, card: dfl.Card, port: dfl.Port) -> str:
        return records.deployable_uuid(self.conf.host, card.address,
                                       port.index)

    def discover(self) -> list[base.DeviceReport]:
        cards = dfl.find(self._root)
        reports = [self._board(card) for card in cards]
        reports += [self._region(card, port)
                    for card in cards for port in card.ports]
        return reports

    def loaded(self, deployable_uuid: str) -> str | None:
        card, port = self._locate(deployable_uuid)
        if port is None:
            return self._board(card).loaded_bitstream
        return self._region(card, port).loaded_bitstream

    def _board(self, card: dfl.Card) -> base.DeviceReport:
        # The FIM is not loaded by this driver, so no Glance id is known.
        return base.DeviceReport(
            uuid=self._board_uuid(card), kind=base.BOARD,
            name=f'opae-{card.address}', vendor=VENDOR, board=card.product,
            address=card.address, loaded_bs_uuid=card.interface_uuid)

    def _region(self, card: dfl.Card,
                port: dfl.Port) -> base.DeviceReport:
        uuid = self._region_uuid(card, port)
        held = dfl.afu_uuid(port)
        return base.DeviceReport(
            uuid=uuid, kind=base.REGION,
            name=f'opae-{card.address}-port{port.index}', vendor=VENDOR,
            board=card.product, address=f'{card.address} port {port.index}',
            parent_uuid=self._board_uuid(card),
            region_type_uuid=card.interface_uuid, loaded_bs_uuid=held,
            loaded_bitstream=self._records.bitstream(uuid, held))

    def _locate(self, deployable_uuid: str
                ) -> tuple[dfl.Card, dfl.Port | None]:
        cards = dfl.find(self._root)
        for card in cards:
            if deployable_uuid == self._board_uuid(card):
                return card, None
            for port in card.ports:
                if deployable_uuid == self._region_uuid(card, port):
                    return card, port
        raise errors.DeviceNotFound(
            f'no deployable {deployable_uuid} on host {self.conf.host}; the '
            f'OPAE driver sees cards: '
            f'{", ".join(c.address for c in cards) or "none"}')

    def program(self, deployable_uuid: str,
                bitstream: base.BitstreamFile) -> None:
        card, port = self._locate(deployable_uuid)
        if port is None:
            raise errors.DeviceNotFound(
                f'deployable {deployable_uuid} is the FME of card '
                f'{card.address}: the OPAE driver loads AFUs into PR regions '
                'only (FIM updates are done with fpgasupdate); load the GBS '
                f'onto port {card.ports[0].index if card.ports else 0} of '
                'the card instead')
        if port.index != 0:
            # fpgaconf always programs slot 0 of the FME it finds.
            raise errors.DeviceNotFound(
                f'deployable {deployable_uuid} is port {port.index} of card '
                f'{card.address}, which fpgaconf cannot load (it loads port '
                '0 only); load the GBS onto port 0 of the card')
        try:
            image = gbs.read(bitstream.path)
        except gbs.InvalidGbs as e:
            raise errors.IncompatibleImage(
                f'bitstream {bitstream.uuid} is not a GBS OPAE can load: '
                f'the file {e}') from e
        if image.interface_uuid != card.interface_uuid:
            raise errors.IncompatibleImage(
                f'GBS {bitstream.uuid} (AFU {image.afu_uuid}) needs FIM '
                f'interface {image.interface_uuid} but card {card.address} '
                f'runs {card.interface_uuid or "a FIM without PR interface"}'
                '; load a GBS built for this FIM, or update the FIM first')
        with self._claims.claim(card.address,
                                f'a load of {bitstream.uuid}'):
            self._records.remember(deployable_uuid, bitstream.uuid,
                                   image.afu_uuid)
            segment, bus, device, function = card.pci
            self._fpgaconf.run(
                ['--segment', f'0x{segment:04x}', '--bus', f'0x{bus:02x}',
                 '--device', f'0x{device:02x}', '--function',
                 f'0x{function:x}', bitstream.path],
                timeout=self._group.program_timeout,
                target=f'card {card.address}')
        held = dfl.afu_uuid(port)
        if held != image.afu_uuid:
            raise errors.ToolFailed(
                f'fpgaconf reported success but port {port.index} of card '
                f'{card.address} holds AFU {held or "none"}, not '
                f'{image.afu_uuid}')
