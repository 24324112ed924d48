from oslo_policy import policy

from cyborg_fpga.policies import base

LIST = 'deployables:list'
LIST_ALL_PROJECTS = 'deployables:list:all_projects'
SHOW = 'deployables:show'
UPDATE = 'deployables:update'

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.ADMIN_OR_READER_OR_SERVICE,
        scope_types=['project'],
        description='List deployables. Without deployables:list:all_projects '
                    'the list holds only those of the caller\'s project.',
        operations=[{'path': '/deployables', 'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=LIST_ALL_PROJECTS, check_str=base.ADMIN_OR_SERVICE,
        scope_types=['project'],
        description='List the deployables of every project, and those '
                    'assigned to none.',
        operations=[{'path': '/deployables', 'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN_OR_READER_OR_SERVICE,
        scope_types=['project'],
        description='Show one deployable with its parent and children. A '
                    'caller this rule refuses gets 404, as if the '
                    'deployable did not exist.',
        operations=[{'path': '/deployables/{uuid}', 'method': 'GET'}]),
    policy.DocumentedRuleDefault(
        name=UPDATE, check_str=base.ADMIN, scope_types=['project'],
        description='Assign a board or PR region to a project or take it '
                    'back, and put it in or out of maintenance.',
        operations=[{'path': '/deployables/{uuid}', 'method': 'PATCH'}]),
]


def list_rules():
    return rules
