"""The conductor's program(): checks, lock, history and release.

The database is real (SQLite); the agent and the image service are small
stand-ins, since this module's job is what the conductor does around them.
"""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa

from cyborg_fpga.conductor import manager
from cyborg_fpga import conf as config
from cyborg_fpga import context
from cyborg_fpga.db import api as db_api
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga import policy
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import result
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import database

BOARD = str(uuid.uuid4())
REGION = str(uuid.uuid4())
REGION_TYPE = str(uuid.uuid4())
SHELL = str(uuid.uuid4())
IMAGE = str(uuid.uuid4())


def shell_properties(**changes):
    properties = {'bs-name': 'shell', 'bs-uuid': SHELL, 'vendor': 'Xilinx',
                  'board': 'U250', 'version': '1', 'driver_ver': '1',
                  'function_uuid': str(uuid.uuid4())}
    properties.update(changes)
    return {k: v for k, v in properties.items() if v is not None}


def pr_properties(**changes):
    return shell_properties(**dict({'bs-uuid': str(uuid.uuid4()),
                                    'shell_id': SHELL,
                                    'region_uuid': REGION_TYPE}, **changes))


class StubImages:
    def __init__(self):
        self.images = {}

    def add(self, uuid, tags=('FPGA',), status='active', properties=None):
        self.images[uuid] = image_base.Bitstream(
            uuid=uuid, name='bs', status=status, size=10, owner='p1',
            visibility='private', tags=tuple(tags),
            properties=shell_properties() if properties is None
            else properties)

    def get(self, ctxt, uuid):
        try:
            return self.images[uuid]
        except KeyError:
            raise exception.BitstreamNotFound(uuid=uuid) from None


class StubAgents:
    """Answers as an agent would; can hold a load open or vanish."""

    def __init__(self):
        self.answer = result(ProgramCode.SUCCESS, loaded_bitstream=IMAGE)
        self.error = None
        self.calls = []
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.forced = None

    def program_fpga_with_bitstream(self, ctxt, host, deployable,
                                    bitstream_uuid, force=False,
                                    bitstream=None):
        self.calls.append((host, deployable, bitstream_uuid))
        self.forced = force
        self.record = bitstream
        self.entered.set()
        self.release.wait(10)
        if self.error is not None:
            raise self.error
        return self.answer


class ConductorTestCase(base.TestCase):
    """A conductor on a real SQLite database with one board and region."""

    def setUp(self):
        super().setUp()
        db = database.use_database(self, 'sqlite')
        self.db = db_api.Connection(db.engine)
        self.db.sync_inventory('host-a', ['fake'], [{
            'uuid': BOARD, 'kind': 'board', 'name': 'u250', 'vendor': 'Xilinx',
            'board': 'U250', 'address': '0000:3b:00.0', 'parent_uuid': None,
            'region_type_uuid': None, 'loaded_bitstream': None,
            'loaded_bs_uuid': SHELL, 'driver': 'fake'}, {
            'uuid': REGION, 'kind': 'region', 'name': 'r0',
            'vendor': 'Xilinx', 'board': 'U250', 'address': '0000:3b:00.0/r0',
            'parent_uuid': BOARD, 'region_type_uuid': REGION_TYPE,
            'loaded_bitstream': None, 'driver': 'fake'}])
        # Project p1's, so that its members may load them.
        self.db.assign(BOARD, 'p1')
        self.db.assign(REGION, 'p1')
        self.images = StubImages()
        self.images.add(IMAGE)
        self.agents = StubAgents()
        conf = config.load([])
        self.conductor = manager.ConductorManager(
            conf, self.db, self.images, self.agents,
            policy.make_enforcer(conf))
        self.ctxt = context.from_noauth_token('alice:p1',
                                              request_id='req-1')


class ConductorProgramTest(ConductorTestCase):

    def test_success_records_and_releases(self):
        self.conductor.program(self.ctxt, BOARD, IMAGE)
        self.assertEqual([('host-a', BOARD, IMAGE)], self.agents.calls)
        row = self.db.get_deployable(BOARD)
        self.assertEqual(('ready', IMAGE, 0, None),
                         (row.state, row.loaded_bitstream, row.last_code,
                          row.lock_owner))
        [entry] = self.db.list_history(BOARD)
        self.assertEqual(('succeeded', 'alice', 'p1', 'req-1'),
                         (entry.result, entry.user_id, entry.project_id,
                          entry.request_id))

    def test_a_load_is_three_transactions_and_one_image_read(self):
        region_image = str(uuid.uuid4())
        self.images.add(region_image, properties=pr_properties())
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=region_image)
        transactions = []

        def begun(connection):
            transactions.append(connection)

        sa.event.listen(self.db.engine, 'begin', begun)
        self.addCleanup(sa.event.remove, self.db.engine, 'begin', begun)
        self.conductor.program(self.ctxt, REGION, region_image)
        # Who may (with the region's board, whose shell must fit), lock
        # with the history's start, release with its end.
        self.assertEqual(3, len(transactions))
        # The agent gets the record the conductor read as the caller.
        self.assertEqual(self.images.images[region_image],
                         self.agents.record)
        self.assertEqual('succeeded', self.db.list_history(REGION)[0].result)

    def test_reader_is_refused_before_anything(self):
        reader = context.from_noauth_token('bob:p1:reader')
        self.assertRaises(exception.NotAuthorized, self.conductor.program,
                          reader, BOARD, IMAGE)
        self.assertEqual([], self.agents.calls)

    def test_invisible_bitstream_is_not_authorized(self):
        self.assertRaises(exception.NotAuthorized, self.conductor.program,
                          self.ctxt, BOARD, str(uuid.uuid4()))
        [entry] = self.db.list_history(BOARD)
        self.assertEqual(('refused', 'fpga.not_authorized'),
                         (entry.result, entry.error_code))
        self.assertEqual('ready', self.db.get_deployable(BOARD).state)

    def test_images_that_are_no_bitstream(self):
        untagged, queued = str(uuid.uuid4()), str(uuid.uuid4())
        self.images.add(untagged, tags=())
        self.images.add(queued, status='queued')
        for image in (untagged, queued):
            self.assertRaises(exception.BitstreamInvalid,
                              self.conductor.program, self.ctxt, BOARD, image)
        self.assertEqual([], self.agents.calls)

    def test_unknown_deployable(self):
        # Only an admin learns that it does not exist.
        admin = context.from_noauth_token('admin:p1')
        self.assertRaises(exception.DeployableNotFound,
                          self.conductor.program, admin,
                          str(uuid.uuid4()), IMAGE)
        self.assertRaises(exception.NotAuthorized,
                          self.conductor.program, self.ctxt,
                          str(uuid.uuid4()), IMAGE)

    def test_second_request_is_busy_and_never_reaches_the_agent(self):
        self.agents.release.clear()
        first = threading.Thread(target=self.conductor.program,
                                 args=(self.ctxt, BOARD, IMAGE))
        first.start()
        self.assertTrue(self.agents.entered.wait(10))
        self.assertRaises(exception.DeployableBusy, self.conductor.program,
                          self.ctxt, BOARD, IMAGE)
        self.agents.release.set()
        first.join()
        self.assertEqual(1, len(self.agents.calls))
        self.assertEqual('ready', self.db.get_deployable(BOARD).state)

    def test_driver_failure_raises_and_records_the_device(self):
        self.agents.answer = result(ProgramCode.UNKNOWN_ERROR, 'tool failed',
                                    loaded_bitstream=None)
        error = self.assertRaises(exception.ProgramFailed,
                                  self.conductor.program, self.ctxt, BOARD,
                                  IMAGE)
        self.assertIn('tool failed', error.message)
        row = self.db.get_deployable(BOARD)
        self.assertEqual(('ready', None, 1, 'fpga.program_failed'),
                         (row.state, row.loaded_bitstream, row.last_code,
                          row.last_error_code))
        self.assertEqual('failed', self.db.list_history(BOARD)[0].result)

    def test_lost_agent_leaves_an_error_state_not_busy(self):
        self.agents.error = exception.AgentUnavailable(
            host='host-a', uuid=BOARD, reason='timed out')
        self.assertRaises(exception.AgentUnavailable, self.conductor.program,
                          self.ctxt, BOARD, IMAGE)
        row = self.db.get_deployable(BOARD)
        self.assertEqual(('error', None, None),
                         (row.state, row.loaded_bitstream, row.lock_owner))

    def test_unexpected_failure_still_releases(self):
        self.agents.error = RuntimeError('bug')
        self.assertRaises(RuntimeError, self.conductor.program, self.ctxt,
                          BOARD, IMAGE)
        row = self.db.get_deployable(BOARD)
        self.assertEqual(('error', None), (row.state, row.lock_owner))
        self.assertEqual('failed', self.db.list_history(BOARD)[0].result)

    def test_stale_lock_sweep(self):
        self.db.acquire_deployable(BOARD, 'dead-conductor')
        self.assertEqual([], self.conductor.sweep_stale_locks())
        self.conductor.conf.set_override('program_timeout', 1,
                                         group='conductor')
        import datetime
        from unittest import mock
        later = datetime.datetime.utcnow() + datetime.timedelta(minutes=5)
        with mock.patch('oslo_utils.timeutils.utcnow', return_value=later):
            self.assertEqual([BOARD], self.conductor.sweep_stale_locks())
        self.assertEqual('error', self.db.get_deployable(BOARD).state)


class ConductorMetadataTest(ConductorTestCase):
    """The bitstream metadata standard, applied before and after a load."""

    def test_pr_bitstream_for_another_shell_never_reaches_the_agent(self):
        image = str(uuid.uuid4())
        self.images.add(image, properties=pr_properties(
            shell_id=str(uuid.uuid4())))
        error = self.assertRaises(exception.BitstreamIncompatible,
                                  self.conductor.program, self.ctxt, REGION,
                                  image)
        self.assertIn('shell_id', error.message)
        self.assertIn(SHELL, error.message)
        self.assertEqual([], self.agents.calls)
        self.assertEqual(['fpga.bitstream_incompatible'],
                         [h.error_code for h in self.db.list_history(REGION)])

    def test_only_admins_force(self):
        image = str(uuid.uuid4())
        self.images.add(image, properties=pr_properties(vendor='Intel'))
        self.assertRaises(exception.NotAuthorized, self.conductor.program,
                          self.ctxt, REGION, image, force=True)
        admin = context.from_noauth_token('admin:p1')
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=image)
        self.conductor.program(admin, REGION, image, force=True)
        self.assertTrue(self.agents.forced)

    def test_invalid_metadata_is_refused(self):
        image = str(uuid.uuid4())
        self.images.add(image, properties=pr_properties(
            **{'bs-uuid': 'nope'}))
        self.assertRaises(exception.InvalidMetadata, self.conductor.program,
                          self.ctxt, REGION, image)
        self.assertEqual([], self.agents.calls)

    def test_shell_load_empties_the_regions_and_records_metadata(self):
        function = str(uuid.uuid4())
        self.images.add(function, properties=pr_properties())
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=function)
        self.conductor.program(self.ctxt, REGION, function)
        self.assertEqual(function,
                         self.db.get_deployable(REGION).loaded_bitstream)

        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=IMAGE)
        self.conductor.program(self.ctxt, BOARD, IMAGE)
        board = self.db.get_deployable(BOARD)
        self.assertEqual((IMAGE, SHELL),
                         (board.loaded_bitstream, board.loaded_bs_uuid))
        self.assertIsNone(self.db.get_deployable(REGION).loaded_bitstream)

    def test_skipped_load_keeps_the_regions(self):
        function = str(uuid.uuid4())
        self.images.add(function, properties=pr_properties())
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=function)
        self.conductor.program(self.ctxt, REGION, function)
        answer = result(ProgramCode.SUCCESS, loaded_bitstream=IMAGE)
        answer['skipped'] = True
        self.agents.answer = answer
        self.conductor.program(self.ctxt, BOARD, IMAGE)
        self.assertEqual(function,
                         self.db.get_deployable(REGION).loaded_bitstream)
