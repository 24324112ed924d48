"""Print 'N passed, N failed' for the last stestr run (the line CI reads).

Skips are printed too, so a run where tests skipped is visible at a glance.
"""

import io
import os
import subprocess
import sys

import subunit
import testtools


def main() -> int:
    # The stestr of the interpreter that runs this script, PATH or not.
    stestr = os.path.join(os.path.dirname(sys.executable), 'stestr')
    stream = subprocess.run([stestr, 'last', '--subunit'],
                            capture_output=True)
    if stream.returncode != 0:
        print('0 passed, 1 failed')
        print('(no stestr run to summarise: %s)'
              % stream.stderr.decode(errors='replace').strip())
        return 1
    summary = testtools.StreamSummary()
    case = subunit.ByteStreamToStreamResult(
        io.BytesIO(stream.stdout), non_subunit_name='stdout')
    summary.startTestRun()
    case.run(summary)
    summary.stopTestRun()
    passed = summary.testsRun - len(summary.failures) - len(
        summary.errors) - len(summary.skipped) - len(
        summary.unexpectedSuccesses)
    failed = len(summary.failures) + len(summary.errors) + len(
        summary.unexpectedSuccesses)
    print('%d passed, %d failed, %d skipped'
          % (passed, failed, len(summary.skipped)))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
