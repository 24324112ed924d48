from oslo_policy import policy

from cyborg_fpga.policies import base

LIST = 'bitstreams:list'
SHOW = 'bitstreams:show'

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.ADMIN_OR_READER,
        scope_types=['project'],
        description='List the bitstreams the caller may load; the image '
                    'service decides which the caller can see.',
        operations=[{'path': '/bitstreams', 'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN_OR_READER,
        scope_types=['project'],
        description='Show one bitstream with its metadata, if the image '
                    'service lets the caller see it.',
        operations=[{'path': '/bitstreams/{bitstream_uuid}',
                     'method': 'GET'}]),
]


def list_rules():
    return rules
