"""Running vendor tools (retry, timeout, typed failures) and load records."""

from __future__ import annotations

import json
import os
import sys
import time

import fixtures

from cyborg_fpga.drivers import errors
from cyborg_fpga.drivers import records
from cyborg_fpga.drivers import tools
from cyborg_fpga import privsep
from cyborg_fpga.tests import base

RULES = (
    tools.Rule(errors.DeviceBusy, r'resource busy', transient=True,
               advice='try later'),
    tools.Rule(errors.IncompatibleImage, exit_codes=frozenset((4,)),
               advice='wrong FIM'),
)


def exited(code, stdout='', stderr=''):
    return {'status': privsep.EXITED, 'exit_code': code, 'stdout': stdout,
            'stderr': stderr}


class ScriptedRunner:
    """Answers of a tool, one per call, as run_tool gives them."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, argv, timeout):
        self.calls.append((argv, timeout))
        return self.answers.pop(0)


class ToolTest(base.TestCase):

    def tool(self, *answers, attempts=3):
        self.runner = ScriptedRunner(*answers)
        self.sleeps: list[float] = []
        return tools.Tool('fpgaconf', '/opt/opae/bin/fpgaconf', RULES,
                          attempts=attempts, retry_delay=0.5,
                          install_hint='install OPAE', runner=self.runner,
                          sleep=self.sleeps.append)

    def test_success_returns_the_output(self):
        out = self.tool(exited(0, 'done\n')).run(['--bus', '0x5e', 'a.gbs'],
                                                 timeout=30, target='card x')
        self.assertEqual(('done\n', 1), (out.stdout, out.attempts))
        self.assertEqual([(['/opt/opae/bin/fpgaconf', '--bus', '0x5e',
                            'a.gbs'], 30)], self.runner.calls)

    def test_transient_failure_is_retried_with_growing_pauses(self):
        busy = exited(5, stderr='Error writing bitstream to FPGA: resource '
                                'busy\n')
        out = self.tool(busy, busy, exited(0)).run(['a'], timeout=5,
                                                   target='card x')
        self.assertEqual(3, out.attempts)
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_retries_are_bounded(self):
        busy = exited(5, stderr='Error writing bitstream to FPGA: resource '
                                'busy\n')
        e = self.assertRaises(errors.DeviceBusy,
                              self.tool(busy, busy, busy).run, ['a'],
                              timeout=5, target='card 0000:5e:00.0')
        self.assertEqual(
            'fpgaconf a on card 0000:5e:00.0 failed (exit code 5): Error '
            'writing bitstream to FPGA: resource busy (after 3 attempts); '
            'try later', e.reason)
        self.assertEqual(2, len(self.sleeps))

    def test_lasting_failure_is_not_retried(self):
        e = self.assertRaises(
            errors.IncompatibleImage,
            self.tool(exited(4, stderr='No suitable slots found.\n')).run,
            ['a'], timeout=5, target='card x')
        self.assertIn('No suitable slots found.; wrong FIM', e.reason)
        self.assertEqual([], self.sleeps)

    def test_unknown_failure_quotes_the_tool(self):
        e = self.assertRaises(
            errors.ToolFailed,
            self.tool(exited(3, 'Looking for slot\n',
                             'Error enumerating FPGAs: exception\n')).run,
            ['a'], timeout=5, target='card x')
        self.assertIn('(exit code 3): Error enumerating FPGAs: exception',
                      e.reason)

    def test_timeout_is_not_retried(self):
        e = self.assertRaises(
            errors.ProgramTimeout,
            self.tool({'status': privsep.TIMED_OUT}).run, ['a'], timeout=7,
            target='card x')
        self.assertIn('did not finish within 7 s and was stopped', e.reason)
        self.assertEqual(1, len(self.runner.calls))

    def test_missing_tool(self):
        e = self.assertRaises(
            errors.ToolMissing,
            self.tool({'status': privsep.CANNOT_START,
                       'stderr': 'No such file or directory'}).run,
            ['a'], timeout=5, target='card x')
        self.assertIn('fpgaconf cannot be started', e.reason)
        self.assertIn('install OPAE', e.reason)

    def test_quote_prefers_error_lines_and_is_bounded(self):
        self.assertEqual('ERROR: it broke',
                         tools.quote('step 1\nstep 2\n', 'ERROR: it broke\n'))
        self.assertEqual('last words', tools.quote('a\nlast words\n', ''))
        self.assertLessEqual(len(tools.quote('', 'error ' * 500)), 400)


class RunToolTest(base.TestCase):
    """The privileged entrypoint itself, in-process."""

    def setUp(self):
        super().setUp()
        privsep.vendor_tools.set_client_mode(False)
        self.addCleanup(privsep.vendor_tools.set_client_mode, True)

    def test_output_and_exit_code(self):
        answer = privsep.run_tool(
            [sys.executable, '-c',
             'import sys; print("out"); sys.stderr.write("err\\n"); '
             'sys.exit(3)'], 30)
        self.assertEqual((privsep.EXITED, 3, 'out\n', 'err\n'),
                         (answer['status'], answer['exit_code'],
                          answer['stdout'], answer['stderr']))

    def test_timeout_stops_the_tool(self):
        folder = self.useFixture(fixtures.TempDir()).path
        marker = os.path.join(folder, 'pid')
        started = time.monotonic()
        answer = privsep.run_tool(
            [sys.executable, '-c',
             f'import os, time; open({marker!r}, "w").write(str('
             'os.getpid())); time.sleep(60)'], 1)
        self.assertEqual(privsep.TIMED_OUT, answer['status'])
        self.assertLess(time.monotonic() - started, 30)
        with open(marker) as f:
            pid = int(f.read())
        # Killed and reaped: no such process any more.
        self.assertRaises(ProcessLookupError, os.kill, pid, 0)

    def test_missing_tool(self):
        answer = privsep.run_tool(['/nonexistent/xbutil', 'program'], 5)
        self.assertEqual(privsep.CANNOT_START, answer['status'])


class HelpersTest(base.TestCase):

    def test_canonical_uuid(self):
        expected = '0b95ad1c-3e4f-4a5b-8c7d-6e5f4a3b2c1d'
        for spelling in ('0b95ad1c3e4f4a5b8c7d6e5f4a3b2c1d\n',
                         '0B95AD1C-3E4F-4A5B-8C7D-6E5F4A3B2C1D',
                         '0x0b95ad1c3e4f4a5b8c7d6e5f4a3b2c1d'):
            self.assertEqual(expected, tools.canonical_uuid(spelling))
        self.assertIsNone(tools.canonical_uuid('0' * 32))
        self.assertIsNone(tools.canonical_uuid(''))
        self.assertIsNone(tools.canonical_uuid(bytes(16)))
        self.assertRaises(ValueError, tools.canonical_uuid, 'N/A')

    def test_pci_address(self):
        self.assertEqual((0, 0x3b, 0, 1), tools.pci_address('0000:3B:00.1'))
        self.assertIsNone(tools.pci_address('region0'))

    def test_claims(self):
        claims = tools.Claims()
        with claims.claim('0000:3b:00.0', 'a load of image-a'):
            e = self.assertRaises(errors.DeviceBusy, claims.claim(
                '0000:3b:00.0', 'b').__enter__)
            self.assertIn('busy with a load of image-a', e.reason)
            with claims.claim('0000:af:00.0', 'c'):
                pass
        with claims.claim('0000:3b:00.0', 'd'):
            pass


class RecordsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'state')
        self.records = records.LoadRecords(self.folder)

    def test_deployable_uuids_are_stable_and_distinct(self):
        board = records.deployable_uuid('host-a', '0000:3b:00.0')
        self.assertEqual(board,
                         records.deployable_uuid('host-a', '0000:3b:00.0'))
        self.assertEqual(5, len({
            board, records.deployable_uuid('host-b', '0000:3b:00.0'),
            records.deployable_uuid('host-a', '0000:3b:00.0', 0),
            records.deployable_uuid('host-a', '0000:3b:00.0', 1),
            records.deployable_uuid('host-a', '0000:af:00.0')}))

    def test_glance_id_only_while_the_hardware_shows_the_load(self):
        self.assertIsNone(self.records.bitstream('dep', 'u1'))
        self.records.remember('dep', 'image-1', 'u1')
        self.records.remember('dep', 'image-2', 'u2')
        self.assertEqual('image-2', self.records.bitstream('dep', 'u2'))
        # A load of image-2 that failed leaves the hardware on u1.
        self.assertEqual('image-1', self.records.bitstream('dep', 'u1'))
        self.assertIsNone(self.records.bitstream('dep', 'u3'))
        self.assertIsNone(self.records.bitstream('dep', None))

    def test_keeps_few_records_newest_per_uuid(self):
        for n in range(6):
            self.records.remember('dep', f'image-{n}', f'u{n}')
        self.records.remember('dep', 'image-again', 'u5')
        with open(os.path.join(self.folder, 'dep.json')) as f:
            loads = json.load(f)['loads']
        self.assertEqual(['image-again', 'image-4', 'image-3', 'image-2'],
                         [load['bitstream'] for load in loads])

    def test_unreadable_record_reads_as_unknown(self):
        logs = self.useFixture(fixtures.FakeLogger())
        os.makedirs(self.folder)
        with open(os.path.join(self.folder, 'dep.json'), 'w') as f:
            f.write('{not json')
        self.assertIsNone(self.records.bitstream('dep', 'u1'))
        self.assertIn('is unreadable', logs.output)
        self.records.remember('dep', 'image-1', 'u1')
        self.assertEqual('image-1', self.records.bitstream('dep', 'u1'))
