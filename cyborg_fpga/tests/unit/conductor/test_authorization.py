"""Whose FPGA it is: assignment, maintenance and the audit of every attempt.

On the conductor of test_manager: a real SQLite database, stub agents and
image service. BOARD and REGION are project p1's there.
"""

from __future__ import annotations

import logging
import uuid

import fixtures

from cyborg_fpga import context
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.conductor import test_manager
from cyborg_fpga.tests.unit.conductor.test_manager import BOARD
from cyborg_fpga.tests.unit.conductor.test_manager import IMAGE
from cyborg_fpga.tests.unit.conductor.test_manager import REGION

ADMIN = 'admin:p-admin:admin,member,reader'


def ctxt(token: str, request_id: str = 'req-x') -> context.RequestContext:
    made = context.from_noauth_token(token, request_id=request_id)
    assert made is not None
    return made


class ConductorAuthorizationTest(test_manager.ConductorTestCase):

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def refused(self, error, token, deployable=BOARD, image=IMAGE,
                force=False):
        raised = self.assertRaises(error, self.conductor.program,
                                   ctxt(token, 'req-refused'), deployable,
                                   image, force=force)
        self.assertEqual([], self.agents.calls)
        row = self.db.get_deployable(deployable)
        self.assertEqual(('ready', None), (row.state, row.lock_owner))
        return raised

    def last_history(self, deployable=BOARD):
        return self.db.list_history(deployable)[0]

    def test_another_project_s_member_is_refused_and_recorded(self):
        self.refused(exception.NotAuthorized, 'eve:p2:member,reader')
        entry = self.last_history()
        self.assertEqual(
            ('refused', 'fpga.not_authorized', 'eve', 'p2', 'req-refused',
             IMAGE, 'host-a'),
            (entry.result, entry.error_code, entry.user_id,
             entry.project_id, entry.request_id, entry.bitstream_uuid,
             entry.host))
        # And in the log, with who asked.
        self.assertIn('by user eve of project p2, request req-refused: '
                      'refused (fpga.not_authorized', self.log.output)

    def test_unassigned_is_the_admins_alone(self):
        self.db.assign(BOARD, None)
        self.refused(exception.NotAuthorized, 'alice:p1:member,reader')
        self.refused(exception.NotAuthorized, 's:service:service')
        self.conductor.program(ctxt(ADMIN), BOARD, IMAGE)
        self.assertEqual(['succeeded', 'refused', 'refused'],
                         [h.result for h in self.db.list_history(BOARD)])

    def test_a_board_s_project_does_not_get_its_regions(self):
        self.db.assign(BOARD, 'p2')
        self.db.assign(REGION, 'p3')
        image = str(uuid.uuid4())
        self.images.add(image, properties=test_manager.pr_properties())
        self.refused(exception.NotAuthorized, 'bob:p2:member',
                     deployable=REGION, image=image)
        self.conductor.program(ctxt('carol:p3:member'), REGION, image)

    def test_missing_deployable_is_422_but_for_admins(self):
        missing = str(uuid.uuid4())
        member = self.assertRaises(
            exception.NotAuthorized, self.conductor.program,
            ctxt('alice:p1'), missing, IMAGE)
        other = self.assertRaises(
            exception.NotAuthorized, self.conductor.program,
            ctxt('alice:p2'), BOARD, IMAGE)
        self.assertEqual((member.code, member.message),
                         (other.code, other.message))
        self.assertRaises(exception.DeployableNotFound,
                          self.conductor.program, ctxt(ADMIN), missing,
                          IMAGE)
        # Logged, but no history for a deployable that is not there.
        self.assertEqual([], self.db.list_history(missing))
        self.assertIn('onto deployable %s by user alice' % missing,
                      self.log.output)

    def test_maintenance_refuses_all_but_a_forced_admin_load(self):
        self.db.set_maintenance(BOARD, True, 'fan replacement')
        error = self.refused(exception.DeployableInMaintenance, 'alice:p1')
        self.assertIn('fan replacement', error.message)
        self.assertEqual('fpga.deployable_in_maintenance',
                         self.last_history().error_code)
        self.refused(exception.DeployableInMaintenance, ADMIN)
        # Force is the admins': a member's is refused for that first.
        self.refused(exception.NotAuthorized, 'alice:p1', force=True)
        self.conductor.program(ctxt(ADMIN), BOARD, IMAGE, force=True)
        self.assertEqual('succeeded', self.last_history().result)

    def test_maintenance_is_not_told_to_who_may_not_load(self):
        self.db.set_maintenance(BOARD, True, 'secret plans')
        error = self.refused(exception.NotAuthorized, 'eve:p2')
        self.assertNotIn('secret', error.message)

    def test_a_board_in_maintenance_takes_its_regions(self):
        self.db.set_maintenance(BOARD, True, 'reflash')
        image = str(uuid.uuid4())
        self.images.add(image, properties=test_manager.pr_properties())
        error = self.refused(exception.DeployableInMaintenance, 'alice:p1',
                             deployable=REGION, image=image)
        self.assertIn('board %s is in maintenance: reflash' % BOARD,
                      error.message)

    def test_every_refusal_before_the_lock_is_recorded(self):
        untagged, misfit = str(uuid.uuid4()), str(uuid.uuid4())
        self.images.add(untagged, tags=())
        self.images.add(misfit, properties=test_manager.pr_properties())
        cases = [('bob:p1:reader', IMAGE, exception.NotAuthorized),
                 ('alice:p1', str(uuid.uuid4()), exception.NotAuthorized),
                 ('alice:p1', untagged, exception.BitstreamInvalid),
                 ('alice:p1', misfit, exception.BitstreamIncompatible)]
        for token, image, error in cases:
            self.refused(error, token, image=image)
        self.assertEqual(
            [('refused', error.code) for _, _, error in reversed(cases)],
            [(h.result, h.error_code) for h in self.db.list_history(BOARD)])

    def test_a_busy_deployable_refusal_is_recorded(self):
        self.db.acquire_deployable(BOARD, 'another-request')
        self.assertRaises(exception.DeployableBusy, self.conductor.program,
                          ctxt('alice:p1'), BOARD, IMAGE)
        self.assertEqual(('refused', 'fpga.deployable_busy'),
                         (self.last_history().result,
                          self.last_history().error_code))
        # The refusal left the other request's lock alone.
        self.assertEqual('another-request',
                         self.db.get_deployable(BOARD).lock_owner)

    def test_allowed_loads_are_logged_with_who(self):
        self.conductor.program(ctxt('alice:p1', 'req-ok'), BOARD, IMAGE)
        self.assertIn('by user alice of project p1, request req-ok: loaded',
                      self.log.output)

    def test_invisible_and_missing_bitstreams_look_alike(self):
        # StubImages raises BitstreamNotFound for both, as Glance answers
        # 404 for another project's private image.
        invisible = self.assertRaises(
            exception.NotAuthorized, self.conductor.program,
            ctxt('alice:p1'), BOARD, str(uuid.uuid4()))
        self.assertEqual(exception.NotAuthorized().message,
                         invisible.message)
        self.assertEqual({}, invisible.kwargs)
