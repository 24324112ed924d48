"""Walk the route table: no route without a policy rule or without docs."""

from __future__ import annotations

from cyborg_fpga.api import errors
from cyborg_fpga.api import routes
from cyborg_fpga import policies
from cyborg_fpga.tests import base as test_base
from cyborg_fpga.tests.unit.api import base


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
