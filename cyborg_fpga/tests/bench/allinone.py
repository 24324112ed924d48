"""The all-in-one row: a load in ``cyborg-fpga-allinone`` as it ships.

SQLite, the local bitstream store and the fake driver with its configured
0.5 s of simulated programming, all in one process. The sample bitstream
is the only one that fits, so each load is forced (admin): otherwise
every load after the first would be a skip.
"""

from __future__ import annotations

import os
import sys

import fixtures
import requests

from cyborg_fpga.cmd import allinone
from cyborg_fpga.tests.bench import measure
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row
from cyborg_fpga.tests.fixtures import services

SIMULATED_SECONDS = 0.5  # [fake_driver] program_seconds of the all-in-one


def run(bench: stack.Bench) -> list[Row]:
    with fixtures.Fixture() as owner:
        return _run(bench, owner)


def _run(bench: stack.Bench, owner: fixtures.Fixture) -> list[Row]:
    state = bench.scratch_dir()
    port = services.free_port()
    process = owner.useFixture(services.ServiceProcess(
        'allinone', [sys.executable, '-m', 'cyborg_fpga.cmd.allinone',
                     '--state-path', os.path.join(state, 'state'),
                     '--port', str(port)], state))
    url = 'http://127.0.0.1:%d' % port

    def answers() -> bool:
        try:
            return requests.get(url + '/', timeout=2).status_code == 200
        except requests.RequestException:
            return False

    try:
        services.wait_for(answers, 60, 'the all-in-one answering')
    except TimeoutError as e:
        raise stack.BenchError('%s:\n%s' % (e, process.log()[-4000:])) from e
    client = stack.ApiClient(url, 'admin:admin')
    client.load(allinone.U250_REGION0, allinone.SAMPLE_BITSTREAM,
                force=True)
    n = bench.samples.allinone_loads
    samples = [client.load(allinone.U250_REGION0, allinone.SAMPLE_BITSTREAM,
                           force=True) for _ in range(n)]
    p50 = measure.percentile(samples, 50)
    return [Row('all-in-one', 'p50 of a forced load of the sample bitstream '
                'in cyborg-fpga-allinone as shipped (%d loads; includes its '
                '%.1f s of simulated programming: %.0f ms beyond it)'
                % (n, SIMULATED_SECONDS, (p50 - SIMULATED_SECONDS) * 1e3),
                p50 * 1e3, 'ms')]
