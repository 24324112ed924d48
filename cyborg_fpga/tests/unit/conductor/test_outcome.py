from cyborg_fpga.conductor import outcome
from cyborg_fpga import exception
from cyborg_fpga.program_result import ProgramCode
from cyborg_fpga.program_result import result
from cyborg_fpga.tests import base

D = 'd0000000-0000-4000-8000-000000000001'
B = 'b0000000-0000-4000-8000-000000000001'


class OutcomeTest(base.TestCase):

    def test_success_records_the_device(self):
        got = outcome.from_result(result(ProgramCode.SUCCESS,
                                         loaded_bitstream=B), D, B)
        self.assertTrue(got.succeeded)
        self.assertEqual((outcome.READY, B, 0), (got.state,
                                                 got.loaded_bitstream,
                                                 got.code))

    def test_each_code_becomes_its_error(self):
        cases = [(ProgramCode.UNKNOWN_ERROR, exception.ProgramFailed),
                 (ProgramCode.INVALID_DEPLOYABLE,
                  exception.DeployableNotFound),
                 (ProgramCode.INVALID_BITSTREAM, exception.BitstreamInvalid)]
        for code, error in cases:
            got = outcome.from_result(result(code, 'why not'), D, B)
            self.assertIsInstance(got.error, error)
            self.assertIn('why not', str(got.reason))
            self.assertEqual(int(code), got.code)

    def test_failure_keeps_what_the_device_still_holds(self):
        previous = 'b0000000-0000-4000-8000-000000000002'
        got = outcome.from_result(result(ProgramCode.UNKNOWN_ERROR, 'boom',
                                         loaded_bitstream=previous), D, B)
        self.assertEqual((outcome.READY, previous),
                         (got.state, got.loaded_bitstream))

    def test_unknown_device_state_is_an_error_state(self):
        got = outcome.from_result(result(ProgramCode.UNKNOWN_ERROR, 'boom',
                                         loaded_bitstream=B,
                                         state_known=False), D, B)
        self.assertEqual((outcome.ERROR, None),
                         (got.state, got.loaded_bitstream))

    def test_lost_agent(self):
        error = exception.AgentUnavailable(host='h', uuid=D, reason='gone')
        got = outcome.from_lost_agent(error)
        self.assertEqual((outcome.ERROR, None, None, 'fpga.agent_unavailable'),
                         (got.state, got.loaded_bitstream, got.code,
                          got.error_code))
