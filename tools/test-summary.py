"""Print 'N passed, N failed' for the last stestr run (the line CI reads).

A test that was listed but never reported a result counts as failed: a
worker that dies mid-run must not pass for a shorter, green run. Skips are
printed too, so a run where tests skipped is visible at a glance.
"""

import io
import os
import subprocess
import sys

import subunit
import testtools


def _stestr(*args: str) -> subprocess.CompletedProcess:
    # The stestr of the interpreter that runs this script, PATH or not.
    stestr = os.path.join(os.path.dirname(sys.executable), 'stestr')
    return subprocess.run([stestr, *args], capture_output=True)


class _Outcomes(testtools.StreamResult):
    """The final status of every test id in a subunit v2 stream."""

    def __init__(self) -> None:
        super().__init__()
        self.final: dict[str, str] = {}

    def status(self, test_id=None, test_status=None, **kwargs):
        if test_id and test_status in ('success', 'fail', 'skip', 'xfail',
                                       'uxsuccess'):
            self.final[test_id] = test_status


def main() -> int:
    last = _stestr('last', '--subunit')
    if last.returncode != 0:
        print('0 passed, 1 failed')
        print('(no stestr run to summarise: %s)'
              % last.stderr.decode(errors='replace').strip())
        return 1
    outcomes = _Outcomes()
    subunit.ByteStreamToStreamResult(
        io.BytesIO(last.stdout), non_subunit_name='stdout').run(outcomes)
    statuses = list(outcomes.final.values())
    passed = statuses.count('success') + statuses.count('xfail')
    failed = statuses.count('fail') + statuses.count('uxsuccess')
    skipped = statuses.count('skip')

    listed = _stestr('list')
    missing = set()
    if listed.returncode == 0:
        missing = (set(listed.stdout.decode().split()) -
                   set(outcomes.final))
    else:
        print('(could not list the tests: %s)'
              % listed.stderr.decode(errors='replace').strip())
        failed += 1
    for test_id in sorted(missing)[:20]:
        print('never reported a result: %s' % test_id)
    failed += len(missing)
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
