"""The XRT driver (entry point ``xrt``): shells via xbmgmt, xclbins via xbutil.

Discovery: sysfs names the cards (``cards``); ``xbmgmt examine`` tells the
platform of each (``platform``); the user function's ``xclbinuuid`` tells
the xclbin it holds. Loading: the xclbin header (``xclbin``) is checked
against the card before any tool runs, the tool runs through privsep
(``tools``), and the card is asked afterwards whether it holds the image.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile

from oslo_config import cfg
from oslo_log import log as logging

from cyborg_fpga.drivers import base
from cyborg_fpga.drivers import errors
from cyborg_fpga.drivers import records
from cyborg_fpga.drivers import tools
from cyborg_fpga.drivers.xrt import cards
from cyborg_fpga.drivers.xrt import platform as xrt_platform
from cyborg_fpga.drivers.xrt import xclbin

LOG = logging.getLogger(__name__)

VENDOR = 'Xilinx'
_INSTALL_HINT = ('install XRT on the host or set [xrt_driver] xbutil_path and '
                 'xbmgmt_path')

# xbutil and xbmgmt report failures with the same XRT messages: an errno's
# text after the operation, or one of XRT's own sentences.
RULES = (
    tools.Rule(errors.DeviceBusy, r'Device or resource busy|\bEBUSY\b',
               transient=True,
               advice='stop the applications using the card and try again'),
    tools.Rule(errors.ProgramTimeout,
               r'timed out waiting for|Connection timed out|Timer expired',
               transient=True,
               advice='the card did not answer in time; see the kernel log '
                      'of the host for the card'),
    tools.Rule(errors.DeviceNotFound,
               r'No such device|Specified device.*not found',
               advice='the card is gone from the host; check that its '
                      'XRT drivers are loaded'),
    tools.Rule(errors.IncompatibleImage,
               r'Bad binary version|Could not open .* for reading|'
               r'Failed to read|Invalid xclbin|No shell matched|'
               r'Flash image is not available',
               advice='the file is not an image this card can load'),
    tools.Rule(errors.IncompatibleImage,
               r'Invalid argument|mismatch|not compatible|'
               r'Operation not supported',
               advice='the card refused the image: it was not built for '
                      'the shell the card runs'),
    tools.Rule(errors.ToolFailed,
               r'Operation not permitted|Permission denied|'
               r'Root privileges are required',
               advice='the privileged helper of the agent (oslo.privsep) '
                      'lacks root privileges'),
)


class XrtDriver(base.FpgaDriver):

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        group = conf.xrt_driver
        self._root = group.sysfs_root
        self._group = group
        self._records = records.LoadRecords(group.state_dir)
        self._claims = tools.Claims()
        self._xbutil = tools.Tool(
            'xbutil', group.xbutil_path, RULES, attempts=group.tool_attempts,
            retry_delay=group.retry_delay, install_hint=_INSTALL_HINT)
        self._xbmgmt = tools.Tool(
            'xbmgmt', group.xbmgmt_path, RULES, attempts=group.tool_attempts,
            retry_delay=group.retry_delay, install_hint=_INSTALL_HINT)

    # -- what the host has -------------------------------------------------

    def discover(self) -> list[base.DeviceReport]:
        reports: list[base.DeviceReport] = []
        for card in cards.find(self._root):
            try:
                found = self._platform(card)
            except errors.DriverError as e:
                # The card is there even when XRT cannot describe it; its
                # deployables must not vanish from the inventory.
                LOG.warning('Cannot read the platform of card %s: %s',
                            card.mgmt, e.reason)
                found = None
            reports.extend(self._reports(card, found))
        # Boards first, so that a parent is known before its regions.
        return sorted(reports, key=lambda r: r.kind != base.BOARD)

    def loaded(self, deployable_uuid: str) -> str | None:
        card, _ = self._locate(deployable_uuid)
        for report in self._reports(card, self._platform(card)):
            if report.uuid == deployable_uuid:
                return report.loaded_bitstream
        raise AssertionError('unreachable: _locate found it')

    def _board_uuid(self, card: cards.Card) -> str:
        return records.deployable_uuid(self.conf.host, card.mgmt)

    def _region_uuid(self, card: cards.Card) -> str | None:
        if card.user is None:
            return None
        return records.deployable_uuid(self.conf.host, card.user, 0)

    def _locate(self, deployable_uuid: str) -> tuple[cards.Card, str]:
        """The card of a deployable and its kind, from sysfs alone."""
        found = cards.find(self._root)
        for card in found:
            if deployable_uuid == self._board_uuid(card):
                return card, base.BOARD
            if deployable_uuid == self._region_uuid(card):
                return card, base.REGION
        raise errors.DeviceNotFound(
            f'no deployable {deployable_uuid} on host {self.conf.host}; the '
            f'XRT driver sees cards: '
            f'{", ".join(c.mgmt for c in found) or "none"}')

    def _reports(self, card: cards.Card,
                 found: xrt_platform.Platform | None
                 ) -> list[base.DeviceReport]:
        board_uuid = self._board_uuid(card)
        interface = found.user_interface if found else None
        board = base.DeviceReport(
            uuid=board_uuid, kind=base.BOARD, name=f'xrt-{card.mgmt}',
            vendor=VENDOR,
            board=(found and (found.vbnv or found.board_name)) or 'unknown',
            address=card.mgmt, loaded_bs_uuid=interface,
            loaded_bitstream=self._records.bitstream(
                board_uuid, found.shell_uuid if found else None))
        region_uuid = self._region_uuid(card)
        if card.user is None or region_uuid is None:
            return [board]
        held = cards.xclbin_uuid(self._root, card.user)
        region = dataclasses.replace(
            board, uuid=region_uuid, kind=base.REGION,
            name=f'xrt-{card.user}', address=card.user,
            parent_uuid=board_uuid, region_type_uuid=interface,
            loaded_bs_uuid=held,
            loaded_bitstream=self._records.bitstream(region_uuid, held))
        return [board, region]

    def _platform(self, card: cards.Card) -> xrt_platform.Platform:
        target = f'card {card.mgmt}'
        with tempfile.TemporaryDirectory(prefix='cyborg-fpga-xrt-') as tmp:
            path = os.path.join(tmp, 'platform.json')
            self._xbmgmt.run(
                ['examine', '--device', card.mgmt, '--report', 'platform',
                 '--format', 'JSON', '--output', path],
                timeout=self._group.query_timeout, target=target)
            try:
                with open(path, encoding='utf-8') as f:
                    text = f.read(xrt_platform.MAX_REPORT + 1)
                return xrt_platform.parse(text, card.mgmt)
            except OSError as e:
                raise errors.ToolFailed(
                    f'xbmgmt examine of {target} wrote no report: {e}'
                ) from e
            except xrt_platform.InvalidReport as e:
                raise errors.ToolFailed(
                    f'xbmgmt examine of {target} wrote a report the driver '
                    f'cannot read: it {e}') from e

    # -- loading -----------------------------------------------------------

    def program(self, deployable_uuid: str,
                bitstream: base.BitstreamFile) -> None:
        card, kind = self._locate(deployable_uuid)
        try:
            image = xclbin.read(bitstream.path)
        except xclbin.InvalidXclbin as e:
            raise errors.IncompatibleImage(
                f'bitstream {bitstream.uuid} is not an xclbin XRT can load: '
                f'the file {e}') from e
        if image.uuid is None:
            raise errors.IncompatibleImage(
                f'xclbin {bitstream.uuid} carries no UUID, so no card could '
                'ever confirm that it holds it')
        with self._claims.claim(card.mgmt, f'a load of {bitstream.uuid}'):
            found = self._platform(card)
            if kind == base.BOARD:
                self._load_shell(card, deployable_uuid, bitstream, image)
            else:
                self._load_user(card, deployable_uuid, bitstream, image,
                                found)

    def _load_user(self, card: cards.Card, region_uuid: str,
                   bitstream: base.BitstreamFile, image: xclbin.Xclbin,
                   found: xrt_platform.Platform) -> None:
        assert card.user is not None and image.uuid is not None
        if image.has_flash_image:
            raise errors.IncompatibleImage(
                f'{bitstream.uuid} is a shell (it carries a flash image); '
                f'load it onto board {self._board_uuid(card)}, not onto the '
                'user region')
        _check_interface(card.user, image, found)
        self._records.remember(region_uuid, bitstream.uuid, image.uuid)
        self._xbutil.run(['program', '--device', card.user,
                          '--user', bitstream.path],
                         timeout=self._group.program_timeout,
                         target=f'card {card.user}')
        held = cards.xclbin_uuid(self._root, card.user)
        if held != image.uuid:
            raise errors.ToolFailed(
                f'xbutil program reported success but card {card.user} '
                f'holds xclbin {held or "none"}, not {image.uuid}')

    def _load_shell(self, card: cards.Card, board_uuid: str,
                    bitstream: base.BitstreamFile,
                    image: xclbin.Xclbin) -> None:
        assert image.uuid is not None
        if not image.has_flash_image:
            raise errors.IncompatibleImage(
                f'{bitstream.uuid} is not a shell: it carries no flash image '
                '(MCS or PDI section); load user xclbins onto the user '
                f'region of card {card.mgmt} instead')
        self._records.remember(board_uuid, bitstream.uuid, image.uuid)
        # --force answers the confirmation xbmgmt would otherwise ask for.
        output = self._xbmgmt.run(
            ['program', '--device', card.mgmt, '--base', '--image',
             bitstream.path, '--force'],
            timeout=self._group.flash_timeout, target=f'card {card.mgmt}')
        after = self._platform(card)
        if after.shell_uuid == image.uuid:
            return
        running = after.vbnv or after.shell_uuid or 'its previous shell'
        if re.search(r'cold reboot', output.stdout + output.stderr, re.I):
            raise errors.ToolFailed(
                f'shell {image.platform_vbnv or image.uuid} was written to '
                f'the flash of card {card.mgmt} and runs only after a cold '
                f'reboot of host {self.conf.host}; until then the card runs '
                f'{running}, and the agent reports the new shell loaded once '
                'the card runs it')
        raise errors.ToolFailed(
            f'xbmgmt program reported success but card {card.mgmt} runs '
            f'{running}, not shell {image.uuid}')


def _check_interface(address: str, image: xclbin.Xclbin,
                     found: xrt_platform.Platform) -> None:
    """Refuse an xclbin built for another shell than the card runs."""
    have = found.user_interface
    shell = found.vbnv or 'its shell'
    if image.interface_uuid is not None:
        if image.interface_uuid != have:
            raise errors.IncompatibleImage(
                f'xclbin {image.uuid} needs shell interface '
                f'{image.interface_uuid} but card {address} runs '
                f'{have or "a shell without interface UUID"} ({shell}); '
                'load the matching shell first')
    elif image.platform_vbnv != found.vbnv:
        # Xclbins of 1RP platforms carry no interface UUID: XRT matches
        # them to the shell by platform name.
        raise errors.IncompatibleImage(
            f'xclbin {image.uuid} was built for platform '
            f'{image.platform_vbnv or "(none)"} but card {address} runs '
            f'{found.vbnv or "no shell"}; load the matching shell first')
