"""Walk the route table: no route without a policy rule or without docs.

Nor one that a reader can write through, nor one on a deployable whose rule
is checked against anything but that deployable's assignment.
"""

from __future__ import annotations

from cyborg_fpga.api import errors
from cyborg_fpga.api import routes
from cyborg_fpga import authz
from cyborg_fpga import conf as fpga_conf
from cyborg_fpga import context
from cyborg_fpga import policies
from cyborg_fpga import policy
from cyborg_fpga.tests import base as test_base
from cyborg_fpga.tests.unit.api import base

OWNER = 'p-owner'


class TestRouteTable(test_base.TestCase):

    def test_every_route_has_a_registered_rule_or_is_public(self) -> None:
        rules = {rule.name: rule for rule in policies.list_rules()}
        for route in routes.ROUTES:
            if route.public:
                self.assertIsNone(route.policy)
                continue
            self.assertIn(route.policy, rules, route.path)

    def test_rules_document_the_routes_that_use_them(self) -> None:
        rules = {rule.name: rule for rule in policies.list_rules()}
        for route in routes.ROUTES:
            if route.policy is None:
                continue
            operations = rules[route.policy].operations
            self.assertIn({'path': route.path, 'method': route.method},
                          operations, route.policy)

    def test_only_the_program_route_leaves_policy_to_the_conductor(
            self) -> None:
        delegated = [(r.method, r.path) for r in routes.ROUTES
                     if r.policy and not r.enforce_in_api]
        self.assertEqual([('POST', '/fpga/{deployable_uuid}')], delegated)

    def test_public_routes_are_only_versions_and_healthcheck(self) -> None:
        self.assertEqual({('GET', '/'), ('GET', '/healthcheck')},
                         {(r.method, r.path) for r in routes.ROUTES
                          if r.public})

    def test_every_route_is_in_the_api_reference(self) -> None:
        text = base.read_doc('api-ref/source/index.rst')
        for route in routes.ROUTES:
            self.assertIn('.. rest_method:: %s %s' % (route.method,
                                                       route.path), text)

    def test_a_route_without_policy_must_say_it_is_public(self) -> None:
        self.assertRaises(ValueError, routes.Route, 'GET', '/x',
                          lambda *a: {}, None, 'oops')
        self.assertRaises(ValueError, routes.Route, 'GET', '/x',
                          lambda *a: {}, 'fpga:show', 'oops', public=True)
        # Nor can a route check a deployable that its path does not name.
        self.assertRaises(ValueError, routes.Route, 'GET', '/x/{uuid}',
                          lambda *a: {}, 'fpga:show', 'oops',
                          target='deployable_uuid')

    def test_routes_are_unique(self) -> None:
        keys = [(r.method, r.path) for r in routes.ROUTES]
        self.assertEqual(len(keys), len(set(keys)))

    def test_match(self) -> None:
        route, params = routes.match('GET', '/fpga/abc/history')
        self.assertEqual('/fpga/{deployable_uuid}/history', route.path)
        self.assertEqual({'deployable_uuid': 'abc'}, params)
        self.assertRaises(errors.NotFound, routes.match, 'GET', '/fpga/a/b')
        error = self.assertRaises(errors.MethodNotAllowed, routes.match,
                                  'PUT', '/fpga/abc')
        self.assertEqual(['GET', 'POST'], error.kwargs['allowed'])


class TestRouteRules(test_base.TestCase):
    """The default rules, evaluated as every route evaluates them."""

    def setUp(self) -> None:
        super().setUp()
        conf = fpga_conf.load([], default_config_files=[])
        self.enforcer = policy.make_enforcer(conf)

    def allowed(self, rule: str, token: str,
                owner: str | None = OWNER) -> bool:
        ctxt = context.from_noauth_token(token)
        return policy.allowed(self.enforcer, rule, ctxt, authz.target(owner))

    def rules_of(self, route: routes.Route) -> list[str]:
        """The route's rule and every other rule that documents it.

        Such as fpga:program:force, and the all_projects rules.
        """
        assert route.policy is not None
        return [route.policy] + sorted(
            rule.name for rule in policies.list_rules()
            if rule.name != route.policy
            and {'path': route.path, 'method': route.method}
            in getattr(rule, 'operations', ()))

    def test_a_reader_can_write_through_no_route(self) -> None:
        reader = 'r:%s:reader' % OWNER
        for route in routes.ROUTES:
            if route.public or route.method == 'GET':
                continue
            for rule in self.rules_of(route):
                self.assertFalse(self.allowed(rule, reader),
                                 '%s %s: %s lets a reader write'
                                 % (route.method, route.path, rule))

    def test_a_reader_of_the_owning_project_reads_every_route(self) -> None:
        reader = 'r:%s:reader' % OWNER
        for route in routes.ROUTES:
            if route.public or route.method != 'GET':
                continue
            assert route.policy is not None
            self.assertTrue(self.allowed(route.policy, reader),
                            '%s %s' % (route.method, route.path))

    def test_every_route_on_a_deployable_checks_the_deployable(self) -> None:
        for route in routes.ROUTES:
            # Who sees a bitstream is the image service's to decide.
            if (route.public or not route.params
                    or route.path.startswith('/bitstreams/')):
                continue
            self.assertEqual(route.params[0], route.target,
                             '%s %s' % (route.method, route.path))

    def test_other_projects_and_unassigned_are_the_admins(self) -> None:
        member_elsewhere = 'm:p-other:member,reader'
        for route in routes.ROUTES:
            if route.target is None:
                continue
            assert route.policy is not None
            for token in (member_elsewhere, 'm:%s:member,reader' % OWNER):
                # Assigned to nobody: not even the would-be owner's.
                self.assertFalse(self.allowed(route.policy, token, None))
            self.assertFalse(self.allowed(route.policy, member_elsewhere))
            self.assertTrue(self.allowed(route.policy, 'admin:p-x:admin',
                                         None))

    def test_personas(self) -> None:
        admin = 'admin:p-admin:admin,member,reader'
        member = 'm:%s:member,reader' % OWNER
        reader = 'r:%s:reader' % OWNER
        service = 's:service:service'
        expected = {
            'fpga:program': {admin, member},
            'fpga:program:force': {admin},
            'fpga:show': {admin, member, reader, service},
            'fpga:bitstreams': {admin, member, reader},
            'bitstreams:list': {admin, member, reader},
            'fpga:history:all_projects': {admin, service},
            'deployables:list': {admin, member, reader, service},
            'deployables:list:all_projects': {admin, service},
            'deployables:show': {admin, member, reader, service},
            'deployables:update': {admin},
        }
        for rule, allowed in expected.items():
            for token in (admin, member, reader, service):
                self.assertEqual(token in allowed,
                                 self.allowed(rule, token),
                                 '%s %s' % (rule, token))
