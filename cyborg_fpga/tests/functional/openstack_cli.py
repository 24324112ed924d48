"""The real ``openstack`` command, run as a user runs it.

The executable is the one python-openstackclient installed beside the
interpreter running the tests (``.tox/py3/bin/openstack``), with our plugin
found through its entry points. Each run gets only the environment given
(plus PATH and a HOME of its own), so no clouds.yaml or OS_* variable of
the machine reaches it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from typing import Any

import yaml

EXECUTABLE = os.path.join(os.path.dirname(sys.executable), 'openstack')


@dataclasses.dataclass(frozen=True)
class Result:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return 'openstack %s -> %d\nstdout:\n%s\nstderr:\n%s' % (
            ' '.join(self.argv), self.returncode, self.stdout, self.stderr)

    def json(self) -> Any:
        return json.loads(self.stdout)

    def yaml(self) -> Any:
        return yaml.safe_load(self.stdout)


def run(argv: list[str], env: dict[str, str], home: str,
        timeout: float = 180) -> Result:
    done = subprocess.run(
        [EXECUTABLE, *argv], capture_output=True, text=True, timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=dict(env, PATH=os.environ.get('PATH', '/usr/bin:/bin'),
                 HOME=home, PYTHONWARNINGS='ignore'))
    return Result(tuple(argv), done.returncode, done.stdout, done.stderr)
