"""Base classes and the rule for tests that need a real service."""

from __future__ import annotations

import os

import testtools

REQUIRE_SERVICES_ENV = 'CYBORG_FPGA_REQUIRE_SERVICES'


def services_required() -> bool:
    return os.environ.get(REQUIRE_SERVICES_ENV) == '1'


def service_unavailable(testcase: testtools.TestCase, reason: str) -> None:
    """Skip ``testcase`` because a service is missing; fail in CI instead.

    CI sets CYBORG_FPGA_REQUIRE_SERVICES=1, so that a test against RabbitMQ,
    MariaDB, PostgreSQL or Glance can never pass by skipping there.
    """
    if services_required():
        testcase.fail('%s (and %s=1)' % (reason, REQUIRE_SERVICES_ENV))
    testcase.skipTest(reason)


class TestCase(testtools.TestCase):
    """Base of every test: a timeout, and no leaked environment."""

    def setUp(self) -> None:
        super().setUp()
        import fixtures
        timeout = int(os.environ.get('OS_TEST_TIMEOUT', '300'))
        self.useFixture(fixtures.Timeout(timeout, gentle=True))
