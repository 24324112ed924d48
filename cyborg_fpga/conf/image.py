"""Where bitstreams are stored, and how we reach Glance.

The API, conductor and agents reach Glance as their caller
(``identity_forwarding``). ``cyborg-fpga-manage bitstream`` has no caller
and acts as the service itself: with ``identity_forwarding = token`` it
authenticates with the keystoneauth options of this ``[glance]`` group
(``auth_type``, ``auth_url``, ``username``, ... and ``cafile``,
``insecure``, ...); with ``headers`` it sends the ``headers_*`` identity.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GLANCE = 'glance'

opts: dict[str, list[cfg.Opt]] = {
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
                        'may see and download. cyborg-fpga-manage, which '
                        'acts as the service itself, sends the service\'s '
                        'identity the same way: with token, from the auth '
                        'options of this group; with headers, from the '
                        'headers_* options.'),
        cfg.FloatOpt('timeout', default=60.0, min=0.1,
                     help='Seconds to wait for Glance to answer one '
                          'request.'),
        cfg.IntOpt('connect_retries', default=2, min=0,
                   help='How many times a read from Glance that could not '
                        'connect, or whose connection was dropped before '
                        'Glance answered, is tried again, after 0.5 s, then '
                        '1 s, and so on. A busy Glance resets connections '
                        'it has no room for. Writes are never retried.'),
        cfg.IntOpt('chunk_size', default=1024 * 1024, min=4096,
                   help='Bytes read at a time while a bitstream downloads.'),
        cfg.StrOpt('headers_project_id',
                   help='With identity_forwarding = headers: the project '
                        'that cyborg-fpga-manage acts as (X-Project-Id); it '
                        'owns the bitstreams it uploads.'),
        cfg.StrOpt('headers_user_id',
                   help='With identity_forwarding = headers: the user that '
                        'cyborg-fpga-manage acts as (X-User-Id).'),
        cfg.ListOpt('headers_roles', default=['admin', 'member', 'reader'],
                    help='With identity_forwarding = headers: the roles of '
                         'cyborg-fpga-manage (X-Roles). An admin sees every '
                         'project\'s bitstreams and may publish them.'),
    ],
    'local_store': [
        cfg.StrOpt('path', default='$state_path/bitstreams',
                   help='Folder of the local bitstream store: <uuid>.bit '
                        'files beside <uuid>.json metadata.'),
    ],
}


def _session_opts() -> list[cfg.Opt]:
    # keystoneauth's session options have a 'timeout' of their own; ours
    # means the same and is the one keystoneauth reads when it loads the
    # session from this group.
    return [opt for opt in ks_loading.get_session_conf_options()
            if opt.dest != 'timeout']


def register_opts(conf):
    for group, group_opts in opts.items():
        conf.register_opts(group_opts, group=group)
    # The options of the auth plugin that auth_type names are registered by
    # keystoneauth when it loads the plugin; only these two come first.
    ks_loading.register_auth_conf_options(conf, GLANCE)
    conf.register_opts(_session_opts(), group=GLANCE)


def list_opts():
    listed = {group: list(group_opts) for group, group_opts in opts.items()}
    # The generated sample shows the password plugin, the usual choice for
    # a service user.
    listed[GLANCE] += (_session_opts()
                       + ks_loading.get_auth_common_conf_options()
                       + ks_loading.get_auth_plugin_conf_options('password'))
    return listed
