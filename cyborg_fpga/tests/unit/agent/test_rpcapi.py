"""What the conductor sends the agent: the oldest version that will do."""

from __future__ import annotations

from unittest import mock

import oslo_messaging as messaging

from cyborg_fpga.agent import rpcapi
from cyborg_fpga import conf as config
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga.tests import base

ANSWER = {'code': 0, 'reason': None, 'loaded_bitstream': 'b',
          'state_known': True, 'skipped': False}


class AgentAPITest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = config.load([])
        self.client = mock.Mock()
        self.client.prepare.return_value.call.return_value = ANSWER
        patcher = mock.patch('cyborg_fpga.rpc.get_client',
                             return_value=self.client)
        patcher.start()
        self.addCleanup(patcher.stop)

    def call(self, **kwargs):
        api = rpcapi.AgentAPI(self.conf, mock.sentinel.transport)
        return api.program_fpga_with_bitstream('ctxt', 'host-a', 'd', 'b',
                                               **kwargs)

    def sent(self):
        version = self.client.prepare.call_args.kwargs['version']
        return version, self.client.prepare.return_value.call.call_args

    def test_plain_call_is_1_0_without_force(self):
        self.assertEqual(ANSWER, self.call())
        version, call = self.sent()
        self.assertEqual('1.0', version)
        self.assertEqual(mock.call('ctxt', 'program_fpga_with_bitstream',
                                   deployable_uuid='d', bitstream_uuid='b'),
                         call)

    def test_the_bitstream_record_goes_as_1_2_when_the_cap_allows(self):
        record = image_base.Bitstream(
            uuid='b', name='bs', status='active', size=1, owner='p',
            visibility='private', tags=('FPGA',), properties={'k': 'v'})
        self.client.can_send_version.return_value = True
        self.call(bitstream=record)
        version, call = self.sent()
        self.assertEqual('1.2', version)
        self.assertEqual(record, image_base.Bitstream.from_dict(
            call.kwargs['bitstream']))
        # Capped below 1.2 (old agents still run): sent as before.
        self.client.can_send_version.return_value = False
        self.call(bitstream=record)
        version, call = self.sent()
        self.assertEqual('1.0', version)
        self.assertNotIn('bitstream', call.kwargs)

    def test_forced_call_is_1_1(self):
        self.client.can_send_version.return_value = True
        self.call(force=True)
        version, call = self.sent()
        self.assertEqual('1.1', version)
        self.assertIs(True, call.kwargs['force'])
        self.client.can_send_version.assert_called_with('1.1')

    def test_capped_client_refuses_to_force(self):
        self.conf.set_override('rpc_version_cap', '1.0', group='agent')
        self.client.prepare.return_value.can_send_version.return_value = (
            False)
        self.client.prepare.return_value.prepare.return_value = (
            self.client.prepare.return_value)
        api = rpcapi.AgentAPI(self.conf, mock.sentinel.transport)
        e = self.assertRaises(exception.InvalidRequest,
                              api.program_fpga_with_bitstream, 'ctxt',
                              'host-a', 'd', 'b', force=True)
        self.assertIn('rpc_version_cap is 1.0', e.message)
        self.client.prepare.assert_called_once_with(version_cap='1.0')

    def test_old_agent_refusing_force_is_a_clear_error(self):
        self.client.can_send_version.return_value = True
        self.client.prepare.return_value.call.side_effect = (
            messaging.RemoteError('UnsupportedVersion', 'Endpoint does not '
                                  'support RPC version 1.1'))
        e = self.assertRaises(exception.InvalidRequest, self.call,
                              force=True)
        self.assertIn('cannot force a load', e.message)

    def test_other_remote_errors_pass(self):
        self.client.prepare.return_value.call.side_effect = (
            messaging.RemoteError('KeyError', 'x'))
        self.assertRaises(messaging.RemoteError, self.call)
