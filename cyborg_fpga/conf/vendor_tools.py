"""Options every vendor driver that runs the vendor's tools has.

Each driver registers them in its own group, beside its own options, so
that an operator can tune XRT and OPAE apart.
"""

from oslo_config import cfg


def opts(state_dir_default: str) -> list[cfg.Opt]:
    """Fresh Opt objects for one driver's group."""
    return [
        cfg.IntOpt('tool_attempts', default=3, min=1, max=10,
                   help='How many times a vendor tool is run when it fails '
                        'in a way its vendor calls transient (the device '
                        'is busy, a request timed out waiting); 1 turns '
                        'retries off.'),
        cfg.FloatOpt('retry_delay', default=2.0, min=0.0,
                     help='Seconds before the first retry; each further '
                          'retry waits twice as long.'),
        cfg.StrOpt('sysfs_root', default='/sys',
                   help='Where sysfs is mounted; tests point it at a '
                        'fixture tree.'),
        cfg.StrOpt('state_dir', default=state_dir_default,
                   help='Folder where the driver records which Glance image '
                        'it loaded onto each deployable and the UUID that '
                        'proves it is still there.'),
    ]
