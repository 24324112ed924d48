from oslo_config import cfg

opts = {
    'image': [
        cfg.StrOpt('backend', default='glance',
                   choices=[('glance', 'OpenStack Glance, in a cloud.'),
                            ('local', 'A local folder; the all-in-one '
                                      'only.')],
                   help='Where bitstreams are stored.'),
    ],
    'glance': [
        cfg.URIOpt('endpoint', schemes=['http', 'https'],
                   help='URL of the Glance API, such as '
                        'http://controller:9292.'),
        cfg.StrOpt('identity_forwarding', default='token',
                   choices=[('token', "The caller's Keystone token."),
                            ('headers', 'X-User-Id, X-Project-Id and '
                                        'X-Roles headers, for a Glance '
                                        'that trusts them (tests only).')],
                   help='How the caller\'s identity is passed to Glance, '
                        'so that Glance decides which bitstreams the caller '
                        'may see and download.'),
        cfg.FloatOpt('timeout', default=60.0, min=0.1,
                     help='Seconds to wait for Glance to answer one '
                          'request.'),
        cfg.IntOpt('chunk_size', default=1024 * 1024, min=4096,
                   help='Bytes read at a time while a bitstream downloads.'),
    ],
    'local_store': [
        cfg.StrOpt('path', default='$state_path/bitstreams',
                   help='Folder of the local bitstream store: <uuid>.bit '
                        'files beside <uuid>.json metadata.'),
    ],
}


def register_opts(conf):
    for group, group_opts in opts.items():
        conf.register_opts(group_opts, group=group)


def list_opts():
    return opts
