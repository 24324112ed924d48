"""Driver packages that bitstreams name, and when the agent runs them.

A bitstream's ``driver`` property names a package of scripts or binaries to
install for the loaded bitstream (a kernel module, a runtime), and
``driver_path`` says where it is. The agent runs as root, and a tenant
writes its own image properties: running whatever a property names would
hand root to any tenant. So a package is run only when all of these hold,
checked before anything is downloaded and again just before it runs (the
file may have changed during the load):

1. the bitstream is owned by a project of ``[agent] trusted_driver_projects``
   (the admin project);
2. ``driver_path``, symbolic links resolved, is a regular file inside a
   folder of ``[agent] allowed_driver_paths``, so that only files the
   operator put there can run, never a file fetched from elsewhere;
3. only root or the agent's user can change it: it and the folders between
   it and the allowed folder are owned by one of them and not writable by
   group or others;
4. it is executable.

It runs without a shell as ``<driver_path> install <deployable> <bitstream>``
with a minimal environment that also carries ``driver`` and ``driver_ver``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import stat
import subprocess
from typing import Any

from oslo_concurrency import processutils
from oslo_log import log as logging

from cyborg_fpga.image import base as image_base

LOG = logging.getLogger(__name__)

# Root's environment is not the installer's: only a PATH and what it needs.
_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
_SHOWN_OUTPUT = 300


class PackageError(Exception):

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(PackageError):
    """The package may not run here; ``reason`` says which rule failed."""


class InstallFailed(PackageError):
    """The installer failed, or was refused just before it ran."""


@dataclasses.dataclass(frozen=True)
class DriverPackage:
    bitstream_uuid: str
    name: str
    version: str
    # driver_path with its symbolic links resolved: what is checked is what
    # runs, even if a link changes in between.
    path: str


def _property(image: image_base.Bitstream, key: str) -> str:
    value = image.properties.get(key)
    return '' if value is None else str(value).strip()


def check(conf: Any, image: image_base.Bitstream) -> DriverPackage | None:
    """The package ``image`` needs, or None; raises Refused if not allowed."""
    name = _property(image, 'driver')
    if not name:
        return None
    what = 'bitstream %s names driver package %r' % (image.uuid, name)
    if not image.owner or image.owner not in (
            conf.agent.trusted_driver_projects):
        raise Refused(
            '%s, but its owner (project %s) is not in [agent] '
            'trusted_driver_projects: the agent runs driver packages as '
            'root, so only for bitstreams of trusted projects'
            % (what, image.owner or 'none'))
    raw = _property(image, 'driver_path')
    if not raw:
        raise Refused('%s but has no driver_path' % what)
    if not os.path.isabs(raw):
        raise Refused('%s, but its driver_path %r is not an absolute path'
                      % (what, raw))
    path = _checked_path(conf, raw, what)
    return DriverPackage(image.uuid, name, _property(image, 'driver_ver'),
                         path)


def _checked_path(conf: Any, raw: str, what: str) -> str:
    real = os.path.realpath(raw)
    allowed = [os.path.realpath(p) for p in conf.agent.allowed_driver_paths
               if p]
    if not allowed:
        raise Refused('%s, but [agent] allowed_driver_paths is empty: no '
                      'folder may hold driver packages' % what)
    root = next((a for a in allowed
                 if real != a and os.path.commonpath([real, a]) == a), None)
    shown = raw if real == raw else '%s (resolved: %s)' % (raw, real)
    if root is None:
        raise Refused('%s, but its driver_path %s is not inside [agent] '
                      'allowed_driver_paths (%s)'
                      % (what, shown, ', '.join(allowed)))
    try:
        st = os.stat(real)
    except OSError as e:
        raise Refused('%s, but its driver_path %s cannot be read: %s'
                      % (what, shown, e.strerror)) from e
    if not stat.S_ISREG(st.st_mode):
        raise Refused('%s, but its driver_path %s is not a regular file'
                      % (what, shown))
    # The file and each folder up to the allowed one: whoever can change
    # any of them can change what runs as root.
    here = real
    while True:
        _check_owner_and_mode(here, what)
        if here == root:
            break
        here = os.path.dirname(here)
    if not os.access(real, os.X_OK):
        raise Refused('%s, but its driver_path %s is not executable'
                      % (what, shown))
    return real


def _check_owner_and_mode(path: str, what: str) -> None:
    try:
        st = os.stat(path)
    except OSError as e:
        raise Refused('%s, but %s cannot be read: %s'
                      % (what, path, e.strerror)) from e
    if st.st_uid not in (0, os.geteuid()):
        raise Refused('%s, but %s is owned by uid %d, neither root nor the '
                      "agent's user" % (what, path, st.st_uid))
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Refused('%s, but %s is writable by group or others'
                      % (what, path))


def install(conf: Any, package: DriverPackage, deployable_uuid: str) -> None:
    """Run the package's installer for a load that has just succeeded.

    Raises InstallFailed; the device then holds the new bitstream anyway.
    """
    what = 'bitstream %s names driver package %r' % (package.bitstream_uuid,
                                                     package.name)
    failed = ('bitstream %s was loaded onto %s, but its driver package %r '
              '(%s) ' % (package.bitstream_uuid, deployable_uuid,
                         package.name, package.path))
    try:
        path = _checked_path(conf, package.path, what)
    except Refused as e:
        raise InstallFailed(failed + 'was refused just before it ran: '
                            + e.reason) from e
    started: list[subprocess.Popen[bytes]] = []
    timeout = conf.agent.driver_install_timeout
    try:
        processutils.execute(
            path, 'install', deployable_uuid, package.bitstream_uuid,
            env_variables={'PATH': _PATH, 'LANG': 'C.UTF-8',
                           'CYBORG_FPGA_DRIVER': package.name,
                           'CYBORG_FPGA_DRIVER_VER': package.version},
            cwd='/', timeout=timeout, on_execute=started.append,
            # A group of its own, so that a timeout kills all it started.
            preexec_fn=os.setsid)
    except subprocess.TimeoutExpired as e:
        for process in started:
            _kill_group(process)
        raise InstallFailed(failed + 'did not finish within %d s and was '
                            'killed' % timeout) from e
    except processutils.ProcessExecutionError as e:
        output = (e.stderr or e.stdout or '').strip()
        raise InstallFailed(failed + 'exited with %s%s' % (
            e.exit_code, ': ' + output[-_SHOWN_OUTPUT:] if output else '')
        ) from e
    except OSError as e:
        raise InstallFailed(failed + 'could not be run: %s' % e) from e
    LOG.info('Driver package %s (%s) installed for bitstream %s on %s.',
             package.name, path, package.bitstream_uuid, deployable_uuid)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
