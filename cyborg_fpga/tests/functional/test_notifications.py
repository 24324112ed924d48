"""The conductor's notifications, consumed from the real RabbitMQ.

A listener in this process takes the deployment's ``fpga_notifications``
topic as a Nova-side consumer would (doc/source/notifications.rst).
The deployment is the class's: other tests' events are on the topic too,
so each test picks its own by bitstream.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging

from cyborg_fpga import rpc
from cyborg_fpga.tests.functional import base

TOPIC = 'fpga_notifications'


class Collector:
    """A notification endpoint keeping every event it gets."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.changed = threading.Condition()

    def _keep(self, priority: str, ctxt: Any, publisher_id: str,
              event_type: str, payload: dict[str, Any]) -> None:
        with self.changed:
            self.events.append({'priority': priority, 'ctxt': ctxt,
                                'publisher_id': publisher_id,
                                'event_type': event_type,
                                'payload': payload})
            self.changed.notify_all()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('INFO', ctxt, publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('ERROR', ctxt, publisher_id, event_type, payload)

    def wait_for(self, bitstream: str, count: int,
                 timeout: float = 30) -> list[dict[str, Any]]:
        """The first ``count`` events of loads of ``bitstream``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                mine = [e for e in self.events
                        if e['payload'].get('bitstream_uuid') == bitstream]
                left = deadline - time.monotonic()
                if len(mine) >= count or left <= 0:
                    return mine
                self.changed.wait(left)


class MariaDBNotificationTest(base.DeploymentTestCase):

    backend = 'mysql'
    extra_config = {'oslo_messaging_notifications': {
        'driver': 'messagingv2', 'topics': TOPIC}}

    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.member = 'alice:%s' % self.project
        self.host_a = self.deployment.hosts['host-a']
        self.host_b = self.deployment.hosts['host-b']
        self.assign_all(self.project)
        self.collector = Collector()
        conf = cfg.ConfigOpts()
        conf([], project='cyborg-fpga-tests', default_config_files=[])
        rpc.register_messaging_opts(conf)
        transport = messaging.get_notification_transport(
            conf, url=self.deployment.transport_url)
        self.addCleanup(transport.cleanup)
        listener = messaging.get_notification_listener(
            transport, [messaging.Target(topic=TOPIC)], [self.collector],
            executor='threading')
        listener.start()
        self.addCleanup(listener.wait)
        self.addCleanup(listener.stop)

    def load(self, deployable, properties, expected=200):
        image = self.bitstream(self.project, properties=properties)
        response = self.program(deployable, image, self.member)
        self.assertEqual(expected, response.status_code, response.text)
        return image, response

    def assertEvents(self, image, expected):
        events = self.collector.wait_for(image, len(expected))
        self.assertEqual(expected,
                         [(e['priority'], e['event_type']) for e in events])
        for event in events:
            self.assertEqual('cyborg-fpga-conductor.control',
                             event['publisher_id'])
            # The caller's context goes along, never its token.
            self.assertIsNone(event['ctxt'].get('auth_token'))
        return [e['payload'] for e in events]

    def test_region_load_sends_start_and_end(self):
        region = self.host_a.regions[0]
        properties = self.host_a.pr_properties()
        image, response = self.load(region, properties)
        start, end = self.assertEvents(image, [
            ('INFO', 'fpga.program.start'), ('INFO', 'fpga.program.end')])
        common = {'payload_version': '1.0', 'deployable_uuid': region,
                  'host': 'host-a', 'bitstream_uuid': image,
                  'function_uuid': properties['function_uuid'],
                  'project_id': self.project, 'user_id': 'alice'}
        self.assertEqual(common, {k: v for k, v in start.items()
                                  if k != 'request_id'})
        self.assertTrue(start['request_id'].startswith('req-'))
        self.assertEqual(start['request_id'], end['request_id'])
        self.assertEqual(response.headers.get('x-openstack-request-id'),
                         end['request_id'])
        self.assertEqual((0, None, None, False),
                         (end['code'], end['error_code'], end['reason'],
                          end['skipped']))
        self.assertIsInstance(end['duration_ms'], int)

    def test_shell_load_lists_the_regions_it_empties(self):
        region = self.host_b.regions[0]
        self.load(region, self.host_b.pr_properties())
        shell, _ = self.load(self.host_b.board,
                             self.host_b.shell_properties())
        start, end = self.assertEvents(shell, [
            ('INFO', 'fpga.shell.start'), ('INFO', 'fpga.shell.end')])
        self.assertEqual(self.host_b.board, end['deployable_uuid'])
        self.assertEqual(sorted(self.host_b.regions),
                         sorted(end['invalidated_regions']))
        self.assertEqual(0, end['code'])

    def test_failure_sends_error_with_code_and_reason(self):
        region = self.host_a.regions[1]
        self.host_a.set_fault(region, 'error',
                              reason='xclbin rejected: card not ready')
        self.addCleanup(self.host_a.clear_faults)
        image, _ = self.load(region, self.host_a.pr_properties(),
                             expected=502)
        _, error = self.assertEvents(image, [
            ('INFO', 'fpga.program.start'), ('ERROR', 'fpga.program.error')])
        self.assertEqual((1, 'fpga.program_failed'),
                         (error['code'], error['error_code']))
        self.assertIn('xclbin rejected: card not ready', error['reason'])
        self.assertNotIn('invalidated_regions', error)

    def test_refused_load_sends_nothing(self):
        misfit = self.bitstream(self.project,
                                properties=self.host_b.pr_properties())
        response = self.program(self.host_a.regions[0], misfit, self.member)
        self.assertEqual(409, response.status_code, response.text)
        # A load after it: its events arrive, the refusal's never do.
        image, _ = self.load(self.host_a.regions[0],
                             self.host_a.pr_properties())
        self.assertEqual(2, len(self.assertEvents(image, [
            ('INFO', 'fpga.program.start'), ('INFO', 'fpga.program.end')])))
        self.assertEqual([], self.collector.wait_for(misfit, 1, timeout=1))
