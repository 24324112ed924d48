"""The options of ``openstack fpga deployable set``: the PATCH body."""

from __future__ import annotations

import types
from typing import Any

from osc_lib import exceptions

from cyborg_fpga.osc.v1 import deployable
from cyborg_fpga.tests import base


class SetChangesTest(base.TestCase):

    def changes(self, *argv):
        # No Keystone catalog: a project is taken as the ID it is given.
        app: Any = types.SimpleNamespace(
            client_manager=types.SimpleNamespace(auth_ref=None))
        command = deployable.SetDeployable(app, None)
        args = command.get_parser('openstack fpga deployable set'
                                  ).parse_args(['region0', *argv])
        return command.changes(args)

    def test_bodies(self):
        self.assertEqual({'project_id': 'demo'},
                         self.changes('--project', 'demo'))
        self.assertEqual({'project_id': None, 'maintenance': False},
                         self.changes('--no-project', '--no-maintenance'))
        self.assertEqual({'maintenance': True, 'maintenance_reason': 'fan'},
                         self.changes('--maintenance', '--reason', 'fan'))

    def test_refused_before_any_request(self):
        for argv in ((), ('--reason', 'fan'),
                     ('--no-maintenance', '--reason', 'fan')):
            self.assertRaises(exceptions.CommandError, self.changes, *argv)

    def test_exclusive_options(self):
        for argv in (('--project', 'demo', '--no-project'),
                     ('--maintenance', '--no-maintenance')):
            self.assertRaises(SystemExit, self.changes, *argv)
