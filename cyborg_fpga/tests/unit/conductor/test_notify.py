"""The notifications of a load: start, then end or error; none if refused."""

from __future__ import annotations

import uuid

from cyborg_fpga.conductor import manager
from cyborg_fpga.conductor import notify
from cyborg_fpga import conf as config
from cyborg_fpga import context
from cyborg_fpga import exception
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import result
from cyborg_fpga.tests import base
from cyborg_fpga.tests.unit.conductor import test_manager as tm


class RecordingNotifier:
    """Stands where oslo.messaging's Notifier stands."""

    def __init__(self, fail=False):
        self.events = []
        self.fail = fail

    def _record(self, priority, ctxt, event_type, payload):
        self.events.append((priority, event_type, payload))
        if self.fail:
            raise RuntimeError('the bus is down')

    def info(self, ctxt, event_type, payload):
        self._record('INFO', ctxt, event_type, payload)

    def error(self, ctxt, event_type, payload):
        self._record('ERROR', ctxt, event_type, payload)

    def types(self):
        return [(p, e) for p, e, _ in self.events]


class NotificationTest(tm.ConductorTestCase):

    def setUp(self):
        super().setUp()
        self.notifier = RecordingNotifier()
        self.conductor.notifications = notify.Notifications(self.notifier)
        self.function = str(uuid.uuid4())
        self.function_uuid = str(uuid.uuid4())
        self.images.add(self.function, properties=tm.pr_properties(
            function_uuid=self.function_uuid))

    def test_region_load_sends_start_and_end(self):
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=self.function)
        self.conductor.program(self.ctxt, tm.REGION, self.function)
        self.assertEqual([('INFO', 'fpga.program.start'),
                          ('INFO', 'fpga.program.end')],
                         self.notifier.types())
        start, end = (e[2] for e in self.notifier.events)
        common = {'payload_version': '1.0', 'deployable_uuid': tm.REGION,
                  'host': 'host-a', 'bitstream_uuid': self.function,
                  'function_uuid': self.function_uuid, 'project_id': 'p1',
                  'user_id': 'alice', 'request_id': 'req-1'}
        self.assertEqual(common, start)
        self.assertEqual(dict(common, code=0, error_code=None, reason=None,
                              skipped=False),
                         {k: v for k, v in end.items()
                          if k != 'duration_ms'})
        self.assertIsInstance(end['duration_ms'], int)
        self.assertGreaterEqual(end['duration_ms'], 0)

    def test_failure_sends_start_and_error(self):
        self.agents.answer = result(ProgramCode.UNKNOWN_ERROR, 'tool failed',
                                    loaded_bitstream=None)
        self.assertRaises(exception.ProgramFailed, self.conductor.program,
                          self.ctxt, tm.REGION, self.function)
        self.assertEqual([('INFO', 'fpga.program.start'),
                          ('ERROR', 'fpga.program.error')],
                         self.notifier.types())
        error = self.notifier.events[1][2]
        self.assertEqual((1, 'fpga.program_failed', False),
                         (error['code'], error['error_code'],
                          error['skipped']))
        self.assertIn('tool failed', error['reason'])
        self.assertNotIn('invalidated_regions', error)

    def test_lost_agent_sends_error_without_code(self):
        self.agents.error = exception.AgentUnavailable(
            host='host-a', uuid=tm.REGION, reason='timed out')
        self.assertRaises(exception.AgentUnavailable, self.conductor.program,
                          self.ctxt, tm.REGION, self.function)
        error = self.notifier.events[-1]
        self.assertEqual(('ERROR', 'fpga.program.error'), error[:2])
        self.assertIsNone(error[2]['code'])
        self.assertEqual('fpga.agent_unavailable', error[2]['error_code'])

    def test_shell_load_lists_the_invalidated_regions(self):
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=tm.IMAGE)
        self.conductor.program(self.ctxt, tm.BOARD, tm.IMAGE)
        self.assertEqual([('INFO', 'fpga.shell.start'),
                          ('INFO', 'fpga.shell.end')],
                         self.notifier.types())
        end = self.notifier.events[1][2]
        self.assertEqual([tm.REGION], end['invalidated_regions'])
        self.assertEqual(tm.BOARD, end['deployable_uuid'])

    def test_skipped_shell_load_invalidates_nothing(self):
        answer = result(ProgramCode.SUCCESS, loaded_bitstream=tm.IMAGE)
        answer['skipped'] = True
        self.agents.answer = answer
        self.conductor.program(self.ctxt, tm.BOARD, tm.IMAGE)
        end = self.notifier.events[-1][2]
        self.assertEqual((True, []), (end['skipped'],
                                      end['invalidated_regions']))

    def test_shell_failure_sends_shell_error(self):
        self.agents.answer = result(ProgramCode.UNKNOWN_ERROR, 'flash failed',
                                    loaded_bitstream=None)
        self.assertRaises(exception.ProgramFailed, self.conductor.program,
                          self.ctxt, tm.BOARD, tm.IMAGE)
        self.assertEqual([('INFO', 'fpga.shell.start'),
                          ('ERROR', 'fpga.shell.error')],
                         self.notifier.types())

    def test_refusals_send_nothing(self):
        reader = context.from_noauth_token('bob:p1:reader')
        self.assertRaises(exception.NotAuthorized, self.conductor.program,
                          reader, tm.REGION, self.function)
        misfit = str(uuid.uuid4())
        self.images.add(misfit, properties=tm.pr_properties(
            shell_id=str(uuid.uuid4())))
        self.assertRaises(exception.BitstreamIncompatible,
                          self.conductor.program, self.ctxt, tm.REGION,
                          misfit)
        self.db.acquire_deployable(tm.REGION, 'another-request')
        self.assertRaises(exception.DeployableBusy, self.conductor.program,
                          self.ctxt, tm.REGION, self.function)
        self.assertEqual([], self.notifier.events)

    def test_a_failing_notifier_never_fails_the_load(self):
        self.notifier.fail = True
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=tm.IMAGE)
        self.conductor.program(self.ctxt, tm.BOARD, tm.IMAGE)
        self.assertEqual(['fpga.shell.start', 'fpga.shell.end'],
                         [e for _, e in self.notifier.types()])
        row = self.db.get_deployable(tm.BOARD)
        self.assertEqual(('ready', tm.IMAGE, None),
                         (row.state, row.loaded_bitstream, row.lock_owner))

    def test_no_notifier_by_default(self):
        plain = manager.ConductorManager(
            self.conductor.conf, self.db, self.images, self.agents,
            self.conductor.enforcer)
        self.assertFalse(plain.notifications.enabled)
        self.agents.answer = result(ProgramCode.SUCCESS,
                                    loaded_bitstream=tm.IMAGE)
        plain.program(self.ctxt, tm.BOARD, tm.IMAGE)


class GetNotifierTest(base.TestCase):

    def test_off_unless_a_driver_is_set(self):
        conf = config.load([])
        self.assertIsNone(notify.get_notifier(conf, 'h'))
        conf.set_override('driver', ['noop'],
                          group='oslo_messaging_notifications')
        self.assertIsNone(notify.get_notifier(conf, 'h'))

    def test_a_driver_gives_a_notifier(self):
        conf = config.load([])
        notify.get_notifier(conf, 'h')  # registers the options
        conf.set_override('driver', ['test'],
                          group='oslo_messaging_notifications')
        notifier = notify.get_notifier(conf, 'h')
        assert notifier is not None
        self.assertEqual('cyborg-fpga-conductor.h', notifier.publisher_id)
        self.assertEqual(['notifications'],
                         conf.oslo_messaging_notifications.topics)
