"""Notifications of FPGA loads through oslo.messaging's notifier.

A load that takes the lock sends ``<prefix>.start`` at once, then
``<prefix>.end`` (INFO) or ``<prefix>.error`` (ERROR) when it is over.
The prefix is ``fpga.program`` for a PR region and ``fpga.shell`` for a
board, whose new shell empties its PR regions: the shell ``.end`` lists
them in ``invalidated_regions``. A load refused before the lock (policy,
maintenance, an invisible or incompatible bitstream, a busy deployable)
sends nothing: nothing was reprogrammed.

The payload is versioned (``payload_version``): a field added raises the
minor version, a field changed or removed the major one. See
doc/source/notifications.rst. Sending never fails a load: an error is
logged and the load goes on.

Off unless ``[oslo_messaging_notifications] driver`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from cyborg_fpga.conductor import outcome as outcomes
from cyborg_fpga import rpc

LOG = logging.getLogger(__name__)

PAYLOAD_VERSION = '1.0'
PROGRAM = 'fpga.program'
SHELL = 'fpga.shell'
START, END, ERROR = 'start', 'end', 'error'


def get_notifier(conf: cfg.ConfigOpts,
                 host: str) -> messaging.Notifier | None:
    """The conductor's notifier; None when no driver is configured."""
    rpc.register_messaging_opts(conf)
    drivers = [d for d in conf.oslo_messaging_notifications.driver
               if d != 'noop']
    if not drivers:
        return None
    return messaging.Notifier(rpc.get_notification_transport(conf),
                              publisher_id='cyborg-fpga-conductor.%s' % host)


@dataclasses.dataclass(frozen=True)
class Load:
    """What a load is about, for its notifications."""

    deployable_uuid: str
    host: str | None
    bitstream_uuid: str
    function_uuid: str | None
    # A shell onto a board (fpga.shell.*), or PR onto a region.
    shell: bool


class Notifications:
    """Sends the notifications of loads; does nothing without a notifier."""

    def __init__(self, notifier: Any | None) -> None:
        self.notifier = notifier

    @property
    def enabled(self) -> bool:
        return self.notifier is not None

    def start(self, ctxt: Any, load: Load) -> None:
        self._send(ctxt, load, START, payload(ctxt, load))

    def end(self, ctxt: Any, load: Load, result: outcomes.Outcome,
            seconds: float, invalidated: Sequence[str] = ()) -> None:
        body = payload(ctxt, load, result, seconds)
        if load.shell and result.succeeded:
            body['invalidated_regions'] = list(invalidated)
        self._send(ctxt, load, END if result.succeeded else ERROR, body)

    def _send(self, ctxt: Any, load: Load, phase: str,
              body: dict[str, Any]) -> None:
        if self.notifier is None:
            return
        event = '%s.%s' % (SHELL if load.shell else PROGRAM, phase)
        try:
            if phase == ERROR:
                self.notifier.error(ctxt, event, body)
            else:
                self.notifier.info(ctxt, event, body)
        except Exception:
            LOG.exception('Could not send the %s notification of the load '
                          'of %s onto %s; the load goes on.', event,
                          load.bitstream_uuid, load.deployable_uuid)


def payload(ctxt: Any, load: Load, result: outcomes.Outcome | None = None,
            seconds: float | None = None) -> dict[str, Any]:
    """The payload of version PAYLOAD_VERSION; ``result`` after the load."""
    body: dict[str, Any] = {
        'payload_version': PAYLOAD_VERSION,
        'deployable_uuid': load.deployable_uuid,
        'host': load.host,
        'bitstream_uuid': load.bitstream_uuid,
        'function_uuid': load.function_uuid,
        'project_id': ctxt.project_id,
        'user_id': ctxt.user_id,
        'request_id': ctxt.request_id,
    }
    if result is not None:
        body.update({
            'duration_ms': None if seconds is None else int(seconds * 1000),
            'code': result.code,
            'error_code': result.error_code,
            'reason': result.reason,
            'skipped': result.skipped,
        })
    return body
