"""The latency row, and CPU seconds per load in each process.

A load here is a real one, not a skip: the PR region alternates between
two bitstreams that are both in the agent's cache, so the agent always
programs (in zero simulated seconds) without downloading. Each load is
preceded by one floor sample (two raw RPC calls and one raw Glance GET),
so that both see the same noise of this shared machine.
"""

from __future__ import annotations

import os
import time

from cyborg_fpga.tests.bench import floors
from cyborg_fpga.tests.bench import measure
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row
from cyborg_fpga.tests.fixtures import deployment as deployment_fixture

_WARM_UP = 5


def run(bench: stack.Bench) -> list[Row]:
    _db, deployment = bench.main()
    host = deployment.hosts[stack.MAIN_HOSTS[0]]
    region = host.regions[0]
    project, client = bench.tenant(deployment, [region])
    images = [bench.bitstream(host, project, os.urandom(64 * 1024))
              for _ in range(2)]
    for image in images:
        client.load(region, image)  # into the cache

    n = bench.samples.latency
    # Stopped before the deployment is: its RPC client lives on the
    # deployment's vhost, which goes with the deployment.
    with floors.RpcFloor(deployment) as rpc_floor:
        glance_floor = floors.GlanceFloor(bench.glance.endpoint, project)

        def floor_sample() -> float:
            started = time.perf_counter()
            rpc_floor.round_trip()
            rpc_floor.round_trip()
            glance_floor.show(images[0])
            return time.perf_counter() - started

        for i in range(_WARM_UP):
            floor_sample()
            client.load(region, images[i % 2])
        loads, floor = [], []
        pids = {'api': stack.api_worker(deployment).pid,
                'conductor': stack.pid(deployment.conductor),
                'agent': stack.pid(host.agent)}
        with measure.profiled(bench.profile_dir, 'latency', pids):
            for i in range(n):
                floor.append(floor_sample())
                loads.append(client.load(region, images[i % 2]))

    what = ('POST /fpga/{uuid}: real loads (no skip) alternating two cached '
            'bitstreams, 0 s programming; floor: 2 raw RPC calls + 1 raw '
            'Glance GET; %d samples each, interleaved' % n)
    rows = [
        Row('latency', 'p50 of ' + what, measure.percentile(loads, 50) * 1e3,
            'ms', measure.percentile(floor, 50) * 1e3, target='<= 2.5x',
            limit=2.5),
        Row('latency', 'p99 of the same', measure.percentile(loads, 99) * 1e3,
            'ms', measure.percentile(floor, 99) * 1e3),
    ]
    rows.extend(_cpu_rows(bench, deployment, host, client, region, images))
    return rows


def _cpu_rows(bench: stack.Bench, deployment: deployment_fixture.Deployment,
              host: deployment_fixture.Host, client: stack.ApiClient,
              region: str, images: list[str]) -> list[Row]:
    """CPU seconds of each process per load, over loads alone."""
    groups = {
        'API (gunicorn master + worker)': measure.process_tree(
            stack.pid(deployment.api)),
        'conductor': measure.process_tree(stack.pid(deployment.conductor)),
        'agent': measure.process_tree(stack.pid(host.agent)),
        'Glance (not ours; for scale)': measure.listeners(
            int(bench.glance.endpoint.rsplit(':', 1)[1])),
    }
    n = bench.samples.cpu_loads
    meter = measure.CpuMeter(groups)
    for i in range(n):
        client.load(region, images[i % 2])
    spent = meter.spent()
    return [Row('cpu', 'CPU per load: %s (%d loads)' % (name, n),
                seconds / n * 1e3, 'ms')
            for name, seconds in spent.items()]
