from oslo_config import cfg

GROUP = 'conductor'

opts = [
    cfg.StrOpt('topic', default='cyborg-fpga-conductor',
               help='RPC topic the conductors listen on.'),
    cfg.IntOpt('program_timeout', default=900, min=1,
               help='Seconds the conductor waits for an agent to finish one '
                    'load before it gives up and marks the deployable in '
                    'error.'),
    cfg.IntOpt('agent_heartbeat_timeout', default=30, min=1,
               help='An agent that is programming sends a heartbeat; after '
                    'this many seconds without one the conductor takes the '
                    'agent for dead and stops waiting, long before '
                    'program_timeout.'),
    cfg.IntOpt('stale_lock_check_interval', default=60, min=1,
               help='Seconds between sweeps for deployables left busy by a '
                    'conductor that died in the middle of a load.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
