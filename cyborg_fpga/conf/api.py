from oslo_config import cfg

GROUP = 'api'

opts = [
    cfg.HostAddressOpt('host_ip', default='127.0.0.1',
                       help='Address that cyborg-fpga-api listens on.'),
    cfg.PortOpt('port', default=6810,
                help='Port that cyborg-fpga-api listens on.'),
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'Keystone tokens, checked by '
                                     'keystonemiddleware.'),
                        ('noauth', 'No authentication: X-Auth-Token is '
                                   '"user:project" and the user "admin" is '
                                   'an admin. For the all-in-one and tests '
                                   'only; never in a cloud.')],
               help='How API callers are authenticated.'),
    cfg.IntOpt('max_request_body_size', default=16384, min=1,
               help='Largest request body the API accepts, in bytes.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Largest page size a list call returns.'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
