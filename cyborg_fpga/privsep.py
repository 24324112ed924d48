"""What cyborg-fpga runs as root, and nothing else.

The vendor tools open the FPGA device nodes, write the PR and flash
interfaces and touch PCI configuration space: they need root's powers, the
agent does not. ``vendor_tools`` is the one privileged context; its daemon
(started by ``privsep-helper`` the first time a tool runs) keeps only the
capabilities below, and its only entrypoint runs one vendor command, with
no shell, and hands back what the command said.

Tests run the context in-process (``vendor_tools.set_client_mode(False)``).
"""

from __future__ import annotations

import contextlib
import subprocess
from typing import Any

from oslo_concurrency import processutils
from oslo_privsep import capabilities as caps
from oslo_privsep import priv_context

# The result statuses run_tool() answers with.
EXITED = 'exited'
TIMED_OUT = 'timed-out'
CANNOT_START = 'cannot-start'

vendor_tools = priv_context.PrivContext(
    'cyborg_fpga',
    cfg_section='cyborg_fpga_privsep',
    pypath=__name__ + '.vendor_tools',
    # SYS_ADMIN: the FPGA ioctls (partial reconfiguration, flash update);
    # DAC_OVERRIDE: device nodes and sysfs attributes owned by root;
    # SYS_RAWIO: the flash tools map PCI BARs and config space.
    capabilities=[caps.CAP_SYS_ADMIN, caps.CAP_DAC_OVERRIDE,
                  caps.CAP_SYS_RAWIO],
)


@vendor_tools.entrypoint
def run_tool(argv: list[str], timeout: int) -> dict[str, Any]:
    """Run ``argv`` once; return its exit code and output, never raise.

    The answer is a plain dict because only plain data crosses the privsep
    channel: an exception would arrive without the tool's output, which is
    what the driver needs to tell the user why a load failed.
    """
    started: list[subprocess.Popen[bytes]] = []
    try:
        stdout, stderr = processutils.execute(
            *argv, timeout=timeout, on_execute=started.append,
            # A failing tool is data for the driver, not an error to log.
            log_errors=processutils.LogErrors.DEFAULT)
    except processutils.ProcessExecutionError as e:
        return {'status': EXITED, 'exit_code': e.exit_code,
                'stdout': e.stdout or '', 'stderr': e.stderr or ''}
    except subprocess.TimeoutExpired:
        # processutils leaves the child running; a tool left writing to the
        # device would race the next load, so stop it here.
        for process in started:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                process.communicate(timeout=10)
        return {'status': TIMED_OUT, 'exit_code': None, 'stdout': '',
                'stderr': ''}
    except OSError as e:
        # Missing, not executable: the tool never ran.
        return {'status': CANNOT_START, 'exit_code': None, 'stdout': '',
                'stderr': str(e)}
    return {'status': EXITED, 'exit_code': 0, 'stdout': stdout,
            'stderr': stderr}
