"""The big bitstream and memory rows: one load of a 1 GiB image.

The image is written to a temporary file a chunk at a time and sent to
Glance as it is read, so the benchmark itself never holds it. The load
(download, hash against Glance's, hand to the fake driver, which reads
and hashes the file as a vendor tool would) is timed end to end through
the API; the floor is a raw streamed download of the same image from
the same Glance, once before and once after the load (their mean). The
agent's resident memory is sampled every 50 ms during the load.
"""

from __future__ import annotations

import hashlib
import os
import time

from cyborg_fpga.tests.bench import floors
from cyborg_fpga.tests.bench import measure
from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row

MB = 1e6
MIB = 1024 ** 2
MEMORY_LIMIT_MB = 64


def run(bench: stack.Bench) -> list[Row]:
    _db, deployment = bench.main()
    # The other host: the latency and cache rows fill the first's cache.
    host = deployment.hosts[stack.MAIN_HOSTS[1]]
    region = host.regions[0]
    agent = stack.pid(host.agent)
    project, client = bench.tenant(deployment, host.regions[:2])
    # A small load first, onto another region: the agent's first load
    # imports and connects what later ones reuse.
    client.load(host.regions[1], bench.bitstream(host, project,
                                                 os.urandom(64 * 1024)))
    size = bench.samples.big_bytes
    path = bench.temp_path('big-bitstream')
    floors.write_random_file(path, size)
    image = bench.bitstream(host, project, None)
    floors.upload_file(bench.glance.endpoint, image, path, project)
    os.unlink(path)

    raw = floors.GlanceFloor(bench.glance.endpoint, project)
    before = raw.download(image)
    with measure.RssSampler(agent) as rss, measure.profiled(
            bench.profile_dir, 'big', {'agent': agent}):
        seconds = client.load(region, image)
    after = raw.download(image)
    for got, _ in (before, after):
        if got != size:
            raise stack.BenchError('Glance sent %d bytes of %d' % (got, size))

    floor = sum(size / s for _, s in (before, after)) / 2 / MB
    label = '%d MiB' % (size // MIB)
    algo = raw.show(image)['os_hash_algo']
    return [
        Row('big bitstream', 'throughput of one load of a %s bitstream: '
            'download, hash, hand to the fake driver (POST to answer); '
            'floor: raw streamed download of it (mean of %.0f and %.0f '
            'MB/s)' % (label, size / before[1] / MB, size / after[1] / MB),
            size / seconds / MB, 'MB/s', floor, target='>= 0.8x', limit=0.8,
            at_least=True),
        # No agent that verifies the data can outrun its hash: the same
        # ratio for the hash alone is the ceiling of the row above.
        Row('big bitstream', 'ceiling: %s alone (Glance\'s hash of the '
            'image, which the agent must check), over 256 MiB in memory on '
            'this CPU' % algo, hash_speed(algo) / MB, 'MB/s', floor),
        Row('memory', 'agent peak RSS growth during that load (%d samples)'
            % rss.samples, rss.growth / MIB, 'MiB',
            target='<= %d MB' % MEMORY_LIMIT_MB,
            limit=MEMORY_LIMIT_MB * MB / MIB, absolute=True),
    ]


def hash_speed(algo: str, size: int = 256 * MIB) -> float:
    """Bytes per second of ``algo`` over ``size`` bytes, in 1 MiB chunks."""
    chunk = os.urandom(MIB)
    hasher = hashlib.new(algo)
    started = time.perf_counter()
    for _ in range(size // MIB):
        hasher.update(chunk)
    return size / (time.perf_counter() - started)
