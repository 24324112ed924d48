"""Which driver packages the agent runs as root, and how."""

from __future__ import annotations

import os
import time

import fixtures

from cyborg_fpga.agent import driver_package
from cyborg_fpga import conf as config
from cyborg_fpga.image import base as image_base
from cyborg_fpga.tests import base

ADMIN = 'admin-project'
DEPLOYABLE = 'd0d0d0d0-0000-4000-8000-000000000001'
BITSTREAM = 'b0b0b0b0-0000-4000-8000-000000000001'


def image(owner=ADMIN, **properties):
    return image_base.Bitstream(
        uuid=BITSTREAM, name='bs', status='active', size=10, owner=owner,
        visibility='private', tags=('FPGA',), properties=properties)


class DriverPackageTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.allowed = os.path.join(self.tmp, 'drivers')
        os.mkdir(self.allowed, 0o755)
        self.conf = config.load([])
        self.conf.set_override('trusted_driver_projects', [ADMIN],
                               group='agent')
        self.conf.set_override('allowed_driver_paths', [self.allowed],
                               group='agent')
        self.marker = os.path.join(self.tmp, 'marker')

    def script(self, body='', name='install', folder=None, mode=0o755):
        path = os.path.join(folder or self.allowed, name)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + body + '\n')
        os.chmod(path, mode)
        return path

    def check(self, path, owner=ADMIN, **properties):
        properties.setdefault('driver', 'xdma')
        properties.setdefault('driver_ver', '2.1')
        return driver_package.check(
            self.conf, image(owner, driver_path=path, **properties))

    def refused(self, path, *, owner=ADMIN, **properties):
        e = self.assertRaises(driver_package.Refused, self.check, path,
                              owner, **properties)
        return e.reason

    def test_no_driver_needs_no_package(self):
        for value in (None, '', '  '):
            self.assertIsNone(driver_package.check(
                self.conf, image('tenant', driver=value,
                                 driver_path='/anything')))
        self.assertIsNone(driver_package.check(self.conf, image('tenant')))

    def test_allowed_package(self):
        path = self.script()
        package = self.check(path)
        self.assertEqual(driver_package.DriverPackage(
            BITSTREAM, 'xdma', '2.1', os.path.realpath(path)), package)

    def test_owner_must_be_trusted(self):
        path = self.script()
        self.assertIn('not in [agent] trusted_driver_projects',
                      self.refused(path, owner='tenant'))
        self.assertIn('project none', self.refused(path, owner=None))

    def test_nobody_is_trusted_by_default(self):
        self.conf.clear_override('trusted_driver_projects', group='agent')
        self.assertIn('trusted_driver_projects', self.refused(self.script()))

    def test_driver_path_must_be_given_and_absolute(self):
        self.assertIn('has no driver_path', self.refused(''))
        self.assertIn('not an absolute path', self.refused('drivers/install'))

    def test_no_allowed_folder_by_default(self):
        self.conf.clear_override('allowed_driver_paths', group='agent')
        self.assertIn('allowed_driver_paths is empty',
                      self.refused(self.script()))

    def test_path_outside_allowed_folders(self):
        outside = self.script(folder=self.tmp)
        self.assertIn('is not inside [agent] allowed_driver_paths',
                      self.refused(outside))
        # The allowed folder itself is no package, nor a sibling prefix.
        self.assertIn('not inside', self.refused(self.allowed))
        sibling = self.allowed + '-evil'
        os.mkdir(sibling)
        self.assertIn('not inside', self.refused(self.script(folder=sibling)))

    def test_links_are_resolved_before_the_check(self):
        outside = self.script(folder=self.tmp)
        link = os.path.join(self.allowed, 'link')
        os.symlink(outside, link)
        self.assertIn('(resolved: %s)' % outside, self.refused(link))
        # The other way round is fine: what runs is inside.
        inside = self.script()
        link_in = os.path.join(self.tmp, 'link-in')
        os.symlink(inside, link_in)
        self.assertEqual(inside, self.check(link_in).path)
        self.assertIn('not inside', self.refused(
            os.path.join(self.allowed, '..', os.path.basename(outside))))

    def test_must_be_an_existing_regular_file(self):
        self.assertIn('cannot be read',
                      self.refused(os.path.join(self.allowed, 'missing')))
        folder = os.path.join(self.allowed, 'folder')
        os.mkdir(folder)
        self.assertIn('is not a regular file', self.refused(folder))

    def test_must_not_be_writable_by_group_or_others(self):
        for mode in (0o775, 0o757):
            path = self.script(mode=mode)
            self.assertIn('%s is writable by group or others' % path,
                          self.refused(path))

    def test_folders_up_to_the_allowed_one_must_not_be_writable(self):
        sub = os.path.join(self.allowed, 'xdma')
        os.mkdir(sub)
        path = self.script(folder=sub)
        os.chmod(sub, 0o777)
        self.assertIn('%s is writable' % sub, self.refused(path))
        os.chmod(sub, 0o755)
        os.chmod(self.allowed, 0o770)
        self.assertIn('%s is writable' % self.allowed, self.refused(path))
        # Above the allowed folder is the operator's business (/tmp here).
        os.chmod(self.allowed, 0o755)
        os.chmod(self.tmp, 0o777)
        self.assertEqual(path, self.check(path).path)

    def test_must_be_owned_by_root_or_the_agent(self):
        if os.geteuid() != 0:
            self.skipTest('only root can give a file away')
        path = self.script()
        os.chown(path, 4242, -1)
        self.assertIn('owned by uid 4242', self.refused(path))

    def test_must_be_executable(self):
        self.assertIn('not executable', self.refused(self.script(mode=0o644)))

    def test_install_runs_it_without_shell_with_a_small_environment(self):
        path = self.script(
            'echo "$# $* $CYBORG_FPGA_DRIVER $CYBORG_FPGA_DRIVER_VER '
            '${HOME:-nohome} $(pwd)" > %s' % self.marker)
        self.useFixture(fixtures.EnvironmentVariable('HOME', '/root'))
        driver_package.install(self.conf, self.check(path), DEPLOYABLE)
        with open(self.marker) as f:
            self.assertEqual('3 install %s %s xdma 2.1 nohome /\n'
                             % (DEPLOYABLE, BITSTREAM), f.read())

    def test_arguments_are_not_interpreted(self):
        path = self.script('printf "%%s\\n" "$@" > %s' % self.marker)
        package = self.check(path)
        driver_package.install(self.conf, package, '$(touch pwned); x')
        with open(self.marker) as f:
            self.assertEqual(['install', '$(touch pwned); x', BITSTREAM],
                             f.read().splitlines())

    def test_failure_says_the_device_holds_the_bitstream(self):
        path = self.script('echo "no xdma module" >&2; exit 4')
        e = self.assertRaises(driver_package.InstallFailed,
                              driver_package.install, self.conf,
                              self.check(path), DEPLOYABLE)
        self.assertIn('was loaded onto %s' % DEPLOYABLE, e.reason)
        self.assertIn('exited with 4: no xdma module', e.reason)

    def test_timeout_kills_the_installer_and_its_children(self):
        self.conf.set_override('driver_install_timeout', 1, group='agent')
        path = self.script('sleep 30 & echo $! > %s; wait' % self.marker)
        started = time.monotonic()
        e = self.assertRaises(driver_package.InstallFailed,
                              driver_package.install, self.conf,
                              self.check(path), DEPLOYABLE)
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn('did not finish within 1 s', e.reason)
        with open(self.marker) as f:
            child = int(f.read())
        # Reaped by init once killed; give it a moment.
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(_alive(child))

    def test_checked_again_just_before_it_runs(self):
        path = self.script('touch %s' % self.marker)
        package = self.check(path)
        os.chmod(path, 0o777)
        e = self.assertRaises(driver_package.InstallFailed,
                              driver_package.install, self.conf, package,
                              DEPLOYABLE)
        self.assertIn('refused just before it ran', e.reason)
        self.assertFalse(os.path.exists(self.marker))


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            # A zombie is dead, only not reaped yet.
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False
