"""The cache row: one download per host, however many devices load it.

Eight PR regions of one host load one new bitstream at the same moment
(the fixture's hosts have one board each; the agent's cache is per host
and keyed by content, so which devices of the host ask makes no
difference to it). Glance's access log tells the bytes it sent.
"""

from __future__ import annotations

import os
import threading

from cyborg_fpga.tests.bench import stack
from cyborg_fpga.tests.bench.table import Row
from cyborg_fpga.tests.fixtures import glance

DEVICES = 8
SIZE = 8 * 1024 ** 2


def run(bench: stack.Bench) -> list[Row]:
    _db, deployment = bench.main()
    host = deployment.hosts[stack.MAIN_HOSTS[0]]
    regions = host.regions[:DEVICES]
    project, _client = bench.tenant(deployment, regions)
    token = 'bench:%s' % project
    image = bench.bitstream(host, project, os.urandom(SIZE))

    start = threading.Barrier(len(regions))
    errors: list[BaseException] = []

    def load(region: str) -> None:
        client = stack.ApiClient(deployment.url, token)
        start.wait()
        try:
            client.load(region, image)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=load, args=(r,)) for r in regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    served = glance.served_bytes(bench.glance, image)
    return [Row('cache', 'bytes Glance sent when %d PR regions of one host '
                'load one new %d MiB bitstream at once' % (
                    len(regions), SIZE // 1024 ** 2),
                served, 'B', SIZE, target='1.0x', limit=1.0)]
