from oslo_policy import policy

from cyborg_fpga.policies import base

LIST = 'deployables:list'
SHOW = 'deployables:show'

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.ADMIN_OR_READER, scope_types=['project'],
        description='List deployables: boards and PR regions of all hosts.',
        operations=[{'path': '/deployables', 'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN_OR_READER, scope_types=['project'],
        description='Show one deployable with its parent and children.',
        operations=[{'path': '/deployables/{uuid}', 'method': 'GET'}]),
]


def list_rules():
    return rules
