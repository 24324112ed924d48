"""The fleet row: 200 loads on 50 hosts at once, 2 s of programming each.

50 agent processes with four PR regions each: regions only, since a board
and its own regions exclude each other in the fake driver. Each host gets
a new bitstream built for its shell, so each agent downloads it once
(cold cache) and its four regions share that download. The API runs with
enough gunicorn threads, and the conductor with enough RPC executor
threads, to hold all 200 requests at once; 200 client threads start on
one barrier and the wall time runs from there to the last answer. The
CPU seconds each process spent during the burst say where it went.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import fixtures

from cyborg_fpga.tests.bench import measure
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row
from cyborg_fpga.tests.fixtures import deployment as deployment_fixture

HOSTS = 50
REGIONS = 4
PROGRAM_SECONDS = 2.0
# Room for all 200 at once, and a few more callers.
THREADS = 256


def run(bench: stack.Bench) -> list[Row]:
    # This row wants every CPU of the machine.
    bench.release_main()
    hosts = tuple('fleet-%02d' % i for i in range(HOSTS))
    with fixtures.Fixture() as owner:
        started = time.monotonic()
        _db, deployment = bench.deploy(
            owner, hosts, regions_per_host=REGIONS,
            program_seconds=PROGRAM_SECONDS, api_threads=THREADS,
            extra_config=stack.production_config(
                DEFAULT={'executor_thread_pool_size': str(THREADS)},
                conductor={'program_timeout': '300'}))
        startup = time.monotonic() - started
        print('-- fleet: %d processes up in %.0f s' % (HOSTS + 2, startup),
              file=sys.stderr, flush=True)
        try:
            trials = _trials(bench, deployment)
        except Exception:
            bench.keep_logs(deployment, 'fleet')
            raise
        finally:
            stack.stop_together(deployment)
    trials.sort(key=lambda trial: trial[0])
    wall, cpu = trials[len(trials) // 2]
    return [Row('fleet', 'wall time to program %d PR regions on %d hosts at '
                'once, %.0f s simulated programming each, cold cache '
                '(median of %d bursts: %s s; CPU seconds in that burst: %s)'
                % (HOSTS * REGIONS, HOSTS, PROGRAM_SECONDS, len(trials),
                   ', '.join('%.2f' % t[0] for t in trials),
                   ', '.join('%s %.1f' % item for item in cpu.items())),
                wall, 's', PROGRAM_SECONDS, target='<= 1.5x', limit=1.5)]


def _trials(bench: stack.Bench, deployment: deployment_fixture.Deployment
            ) -> list[tuple[float, dict[str, float]]]:
    project, _client = bench.tenant(deployment, [
        region for host in deployment.hosts.values()
        for region in host.regions])
    token = 'bench:%s' % project
    groups = {
        'API': measure.process_tree(stack.pid(deployment.api)),
        'conductor': measure.process_tree(stack.pid(deployment.conductor)),
        'agents': [process for host in deployment.hosts.values()
                   for process in measure.process_tree(stack.pid(host.agent))],
        'Glance': measure.listeners(
            int(bench.glance.endpoint.rsplit(':', 1)[1])),
    }
    pids = {'api': stack.api_worker(deployment).pid,
            'conductor': stack.pid(deployment.conductor)}
    trials = []
    for trial in range(bench.samples.fleet_trials):
        jobs: list[tuple[str, str]] = []
        for host in deployment.hosts.values():
            image = bench.bitstream(host, project, os.urandom(64 * 1024))
            jobs.extend((region, image) for region in host.regions)
        with measure.profiled(bench.profile_dir, 'fleet-%d' % trial, pids):
            meter = measure.CpuMeter(groups)
            wall = _burst(deployment.url, token, jobs)
            trials.append((wall, meter.spent()))
    return trials


def _burst(url: str, token: str, jobs: list[tuple[str, str]]) -> float:
    clients = [stack.ApiClient(url, token) for _ in jobs]
    start = threading.Barrier(len(jobs) + 1)
    errors: list[BaseException] = []

    def load(client: stack.ApiClient, region: str, image: str) -> None:
        start.wait()
        try:
            client.load(region, image)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=load, args=(c, *job))
               for c, job in zip(clients, jobs, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise stack.BenchError('%d of %d loads failed; the first: %s'
                               % (len(errors), len(jobs), errors[0]))
    return wall
