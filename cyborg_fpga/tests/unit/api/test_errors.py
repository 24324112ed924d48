"""The one error format: status table, header, route errors, the 500."""

from __future__ import annotations

import json

from cyborg_fpga.api import errors
from cyborg_fpga import exception
from cyborg_fpga.tests.unit.api import base


def _subclasses(cls: type[exception.FpgaError]
                ) -> list[type[exception.FpgaError]]:
    found: list[type[exception.FpgaError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


class TestStatusTable(base.ApiTestCase):

    def test_every_error_class_has_a_status(self) -> None:
        classes = [exception.FpgaError] + _subclasses(exception.FpgaError)
        for cls in classes:
            # Not test classes, nor oslo.messaging's *_Remote copies.
            if cls.__module__ not in (exception.__name__, errors.__name__):
                continue
            self.assertIn(cls.code, errors.STATUS, cls.__name__)

    def test_statuses_the_contract_names(self) -> None:
        expected = {
            'fpga.invalid_request': 400, 'fpga.invalid_uuid': 400,
            'fpga.not_authenticated': 401, 'fpga.not_authorized': 422,
            'fpga.deployable_not_found': 404,
            'fpga.bitstream_not_found': 422, 'fpga.bitstream_invalid': 400,
            'fpga.deployable_busy': 409, 'fpga.program_failed': 502,
            'fpga.agent_unavailable': 504,
            'fpga.conductor_unavailable': 503,
            'fpga.image_service_unavailable': 503,
            'fpga.unknown_error': 500, 'fpga.not_found': 404,
            'fpga.method_not_allowed': 405, 'fpga.request_too_large': 413,
            'fpga.unsupported_media_type': 415,
            'fpga.invalid_metadata': 400, 'fpga.bitstream_incompatible': 409,
            'fpga.deployable_in_maintenance': 409,
        }
        self.assertEqual(expected, errors.STATUS)

    def test_every_code_is_documented(self) -> None:
        text = base.read_doc('doc/source/api-errors.rst')
        api_ref = base.read_doc('api-ref/source/index.rst')
        for code in errors.STATUS:
            self.assertIn('``%s``' % code, text)
            self.assertIn('``%s``' % code, api_ref)


class TestRouteErrors(base.ApiTestCase):

    def test_unknown_path(self) -> None:
        for path in ('/nope', '/fpga', '/fpga/%s/x' % base.DEPLOYABLE,
                     '/fpga/%s/' % base.DEPLOYABLE):
            self.assertError(self.call('GET', path), 404, 'fpga.not_found')

    def test_unknown_path_needs_no_token(self) -> None:
        self.assertError(self.call('GET', '/nope', token=None), 404,
                         'fpga.not_found')

    def test_wrong_method_lists_the_allowed_ones(self) -> None:
        response = self.call('DELETE', '/fpga/' + base.DEPLOYABLE)
        self.assertError(response, 405, 'fpga.method_not_allowed')
        self.assertEqual('GET, POST', response.headers['Allow'])
        response = self.call('POST', '/deployables')
        self.assertError(response, 405, 'fpga.method_not_allowed')
        self.assertEqual('GET', response.headers['Allow'])

    def test_accept_header_does_not_matter(self) -> None:
        response = self.call('GET', '/fpga/' + base.DEPLOYABLE,
                             headers={'Accept': 'text/html'})
        self.assertEqual(200, response.status_int)
        self.assertEqual('application/json', response.content_type)

    def test_bad_content_length(self) -> None:
        import webob
        request = webob.Request.blank('/fpga/' + base.DEPLOYABLE,
                                      method='POST')
        request.environ['CONTENT_LENGTH'] = 'lots'
        self.assertError(request.get_response(self.app), 400,
                         'fpga.invalid_request')


class TestUnexpected(base.ApiTestCase):

    def test_bug_is_500_with_request_id_and_no_traceback(self) -> None:
        self.conductor.error = KeyError('secret-internal-detail')
        response = self.program_call()
        data = self.assertError(response, 500, 'fpga.unknown_error')
        request_id = response.headers['x-openstack-request-id']
        self.assertEqual('An unexpected error occurred; the request id is '
                         '%s.' % request_id, data['error'])
        self.assertNotIn(b'secret-internal-detail', response.body)
        self.assertNotIn(b'Traceback', response.body)
        # The log keeps what the body does not.
        self.assertIn(request_id, self.log.output)
        self.assertIn('Traceback', self.log.output)
        self.assertIn('secret-internal-detail', self.log.output)

    def test_unmapped_error_class_is_500(self) -> None:
        class Unmapped(exception.FpgaError):
            code = 'fpga.nobody_mapped_me'

        self.conductor.error = Unmapped('whatever')
        self.assertError(self.program_call(), 500, 'fpga.unknown_error')

    def test_remote_message_is_used_not_str(self) -> None:
        # oslo.messaging appends the remote traceback to str(); .message
        # stays clean.
        error = exception.DeployableBusy(uuid=base.DEPLOYABLE)
        error.args = (error.message + '\nTraceback (most recent call...',)
        self.conductor.error = error
        data = self.assertError(self.program_call(), 409,
                                'fpga.deployable_busy')
        self.assertNotIn('Traceback', data['error'])

    def program_call(self):
        return self.call('POST', '/fpga/' + base.DEPLOYABLE,
                         json_body={'glance_bitstream_uuid': base.BITSTREAM})


class TestErrorBodies(base.ApiTestCase):

    def test_fixed_bodies_use_default_json_separators(self) -> None:
        response = errors.to_response(exception.NotAuthenticated(), 'req-1')
        self.assertEqual(b'{"error": "Log in"}', response.body)
        self.assertEqual(json.dumps({'error': 'Log in'}).encode(),
                         response.body)

    def test_fixed_body_ignores_a_remote_message(self) -> None:
        response = errors.to_response(
            exception.NotAuthorized('something else'), 'req-1')
        self.assertEqual(
            b'{"error": "User is not authorized to use the resource"}',
            response.body)
