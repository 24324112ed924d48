"""The conductor: the three tasks of the specification around one load.

1. find the host of the deployable (the database);
2. check that the caller may use the FPGA and the bitstream (policy on
   the deployable's assignment, maintenance, and the image service
   answering as the caller);
3. call the agent of that host and wait for the load to finish.

Around the call the deployable is locked in the database by an atomic
compare-and-set, the attempt is written to the program history, and the
lock is always released, whatever the agent did. An attempt refused before
the lock is written to the history too, as 'refused', without locking.
A load that takes the lock is notified (``notify.py``): start, then end or
error; a refused one is not, since nothing was reprogrammed.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from cyborg_fpga import authz
from cyborg_fpga import compatibility
from cyborg_fpga.conductor import checks
from cyborg_fpga.conductor import notify
from cyborg_fpga.conductor import outcome as outcomes
from cyborg_fpga.db import assignment
from cyborg_fpga.db import history
from cyborg_fpga.db import models
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga.image import metadata
from cyborg_fpga.policies import fpga as fpga_policies
from cyborg_fpga import topology

LOG = logging.getLogger(__name__)


class ConductorManager:

    def __init__(self, conf: Any, db: Any, image_service: Any, agents: Any,
                 enforcer: Any, notifier: Any | None = None) -> None:
        self.conf = conf
        self.db = db
        self.image_service = image_service
        self.agents = agents
        self.enforcer = enforcer
        self.notifications = notify.Notifications(notifier)

    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        """Load a bitstream; return when it is loaded, raise if it is not.

        ``force`` (admins) skips the compatibility check, loads even what
        the device already holds, and loads a deployable in maintenance.
        Every attempt is logged with who made it, and one on a deployable
        that exists gets a history row, refused ones too.
        """
        access = authz.find(self.db, deployable_uuid)
        owner = ctxt.request_id or uuidutils.generate_uuid()
        try:
            bitstream, meta = self._check(ctxt, deployable_uuid, access,
                                          bitstream_uuid, force)
            assert access is not None  # _check refuses a missing one
            # The lock and the start of the history: one transaction.
            history_id = self.db.begin_load(owner, _who(
                ctxt, deployable_uuid, access.deployable.host,
                bitstream_uuid))
        except exception.FpgaError as e:
            self._refused(ctxt, deployable_uuid, access, bitstream_uuid, e)
            raise

        deployable = access.deployable
        result = None
        started = time.monotonic()
        load = notify.Load(deployable_uuid, deployable.host, bitstream_uuid,
                           meta.function_uuid,
                           shell=deployable.kind == compatibility.BOARD)
        try:
            self.notifications.start(ctxt, load)
            result = self._call_agent(ctxt, deployable, bitstream, force)
        finally:
            # Also reached when the notifier or the agent call raised
            # something unforeseen: the deployable must never stay busy.
            if result is None:
                result = outcomes.from_lost_agent(exception.FpgaError(
                    'The load was interrupted by an unexpected error; the '
                    'device state is unknown until its agent reports.'))
            self._finish(deployable, owner, bitstream_uuid, meta,
                         history_id, result, time.monotonic() - started)
            self._notify_end(ctxt, load, result, time.monotonic() - started)
        _audit(ctxt, deployable_uuid, bitstream_uuid, '%s on %s in %.3fs' % (
            ('already loaded' if result.skipped else 'loaded')
            if result.succeeded else 'failed (%s: %s)' % (result.error_code,
                                                          result.reason),
            deployable.host, time.monotonic() - started))
        if result.error is not None:
            raise result.error

    def _check(self, ctxt: Any, deployable_uuid: str,
               access: assignment.Access | None, bitstream_uuid: str,
               force: bool
               ) -> tuple[image_base.Bitstream, metadata.Metadata]:
        """Everything that may refuse a load before the lock is taken.

        Cheapest first, and the caller's right to the deployable before
        anything that would tell what the deployable is (maintenance, fit).
        Returns the bitstream's record, as the caller sees it, and its
        metadata.
        """
        access = authz.check(self.enforcer, fpga_policies.PROGRAM, ctxt,
                             deployable_uuid, access, hide=False)
        if force:
            authz.check(self.enforcer, fpga_policies.PROGRAM_FORCE, ctxt,
                        deployable_uuid, access, hide=False)
        authz.ensure_loadable(access, force)
        bitstream = checks.visible_bitstream(self.image_service, ctxt,
                                             bitstream_uuid)
        meta = metadata.check(bitstream.properties)
        if not force:
            # A region's board came with its access: its shell decides.
            checks.ensure_fits(access.deployable, access.board, bitstream)
        return bitstream, meta

    def _refused(self, ctxt: Any, deployable_uuid: str,
                 access: assignment.Access | None, bitstream_uuid: str,
                 error: exception.FpgaError) -> None:
        _audit(ctxt, deployable_uuid, bitstream_uuid,
               'refused (%s: %s)' % (error.code, error.message))
        if access is None:
            # No such deployable: the log has it; a history row would be
            # one nobody can read, written by whoever sends random uuids.
            return
        try:
            self.db.record_refused(
                _who(ctxt, deployable_uuid, access.deployable.host,
                     bitstream_uuid),
                error_code=error.code, reason=error.message)
        except Exception:
            # The caller must still get the refusal, not a database error.
            LOG.exception('Could not record the refused load of %s',
                          deployable_uuid)

    def _call_agent(self, ctxt: Any, deployable: Any,
                    bitstream: image_base.Bitstream,
                    force: bool) -> outcomes.Outcome:
        bitstream_uuid = bitstream.uuid
        try:
            # With the record just read, so the agent need not read it.
            answer = self.agents.program_fpga_with_bitstream(
                ctxt, deployable.host, deployable.uuid, bitstream_uuid,
                force=force, bitstream=bitstream)
        except exception.AgentUnavailable as e:
            return outcomes.from_lost_agent(e)
        except exception.InvalidRequest as e:
            # An agent too old to force a load refuses before touching the
            # device, which still holds what it held.
            return outcomes.from_refusal(e, deployable.loaded_bitstream)
        return outcomes.from_result(answer, deployable.uuid, bitstream_uuid)

    def _finish(self, deployable: Any, owner: str, bitstream_uuid: str,
                meta: metadata.Metadata, history_id: int,
                result: outcomes.Outcome, seconds: float) -> None:
        ok = result.succeeded
        # The outcome, the release and the end of the history: one
        # transaction.
        released = self.db.release_deployable(
            deployable.uuid, owner, state=result.state,
            loaded_bitstream=result.loaded_bitstream, update_loaded=True,
            bitstream_uuid=bitstream_uuid, code=result.code,
            error_code=result.error_code, reason=result.reason,
            loaded_metadata=_recorded(meta) if ok else None,
            children=topology.children_of(
                deployable.uuid, deployable.host, meta.topology)
            if ok else None,
            # A new shell empties the PR regions of its board.
            invalidate_regions=(ok and not result.skipped and
                                deployable.kind == compatibility.BOARD),
            finished=history.Finished(
                history_id, models.SUCCEEDED if ok else models.FAILED,
                int(seconds * 1000)))
        if not released:
            LOG.warning('Deployable %s was no longer locked by request %s '
                        'when its load ended; the stale-lock sweep took it.',
                        deployable.uuid, owner)

    def _notify_end(self, ctxt: Any, load: notify.Load,
                    result: outcomes.Outcome, seconds: float) -> None:
        invalidated: list[str] = []
        try:
            if (self.notifications.enabled and load.shell
                    and result.succeeded and not result.skipped):
                # What release_deployable emptied: the board's regions
                # that no other load holds.
                invalidated = [
                    r.uuid for r in self.db.list_deployables(
                        parent_uuid=load.deployable_uuid,
                        kind=compatibility.REGION)
                    if r.state != 'programming']
        except Exception:
            LOG.exception('Could not list the regions of board %s for its '
                          'notification.', load.deployable_uuid)
        self.notifications.end(ctxt, load, result, seconds, invalidated)

    def report_inventory(self, ctxt: Any, host: str, drivers: list[str],
                         deployables: list[dict[str, Any]]) -> None:
        """An agent tells what boards and regions its host has."""
        self.db.sync_inventory(host, drivers, deployables)
        LOG.debug('Inventory of %s: %d deployables.', host, len(deployables))

    def sweep_stale_locks(self) -> list[str]:
        """Release deployables whose conductor died in the middle of a load.

        A live conductor gives up on its agent after program_timeout and
        releases the lock itself, so a lock older than that has no owner.
        """
        older_than = timeutils.utcnow() - datetime.timedelta(
            seconds=self.conf.conductor.program_timeout + 60)
        swept = self.db.release_stale_locks(
            older_than, 'The conductor driving this load stopped; the device '
                        'state is unknown until its agent reports.')
        for uuid in swept:
            LOG.warning('Released deployable %s, left busy by a conductor '
                        'that stopped.', uuid)
        return swept


def _who(ctxt: Any, deployable_uuid: str, host: str | None,
         bitstream_uuid: str) -> dict[str, str | None]:
    """Who attempts which load: a history row's ``history.WHO``."""
    return dict(deployable_uuid=deployable_uuid, host=host,
                bitstream_uuid=bitstream_uuid, user_id=ctxt.user_id,
                project_id=ctxt.project_id, request_id=ctxt.request_id)


def _audit(ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
           what: str) -> None:
    # Who, from where and which request, in the message itself: the log
    # format may not show the context. Never the token.
    LOG.info('Load of bitstream %(b)s onto deployable %(d)s by user '
             '%(user)s of project %(project)s, request %(request)s: '
             '%(what)s.',
             {'b': bitstream_uuid, 'd': deployable_uuid,
              'user': ctxt.user_id, 'project': ctxt.project_id,
              'request': ctxt.request_id, 'what': what})


def _recorded(meta: metadata.Metadata) -> dict[str, Any]:
    """What the database keeps of the metadata of what is loaded."""
    return {'bs_uuid': meta.bs_uuid, 'function_uuid': meta.function_uuid,
            'function_name': meta.function_name, 'driver': meta.driver,
            'driver_ver': meta.driver_ver, 'driver_path': meta.driver_path}


class ConductorEndpoint:
    """The conductor as oslo.messaging serves it.

    Errors of ours are expected: oslo.messaging sends them back to the caller
    without logging a traceback. The all-in-one calls the manager directly.
    """

    # RPC API history: 1.0 program, report_inventory;
    # 1.1 program(force).
    target = messaging.Target(version='1.1')

    def __init__(self, manager: ConductorManager) -> None:
        self.manager = manager

    @messaging.expected_exceptions(exception.FpgaError)
    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        self.manager.program(ctxt, deployable_uuid, bitstream_uuid,
                             force=force)

    @messaging.expected_exceptions(exception.FpgaError)
    def report_inventory(self, ctxt: Any, host: str, drivers: list[str],
                         deployables: list[dict[str, Any]]) -> None:
        self.manager.report_inventory(ctxt, host, drivers, deployables)
