"""POST /fpga/{deployable_uuid}: the call the specification defines."""

from __future__ import annotations

import json
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.tests.unit.api import base

SUCCESS = b'{"msg": "bitstream has been loaded successfully"}'


class TestProgram(base.ApiTestCase):

    def test_json_body(self) -> None:
        response = self.program()
        self.assertEqual(200, response.status_int)
        self.assertEqual(SUCCESS, response.body)
        self.assertEqual('application/json', response.content_type)
        ctxt, deployable, bitstream, force = self.conductor.calls[0]
        self.assertEqual((base.DEPLOYABLE, base.BITSTREAM, False),
                         (deployable, bitstream, force))
        self.assertEqual(('alice', 'p1'), (ctxt.user_id, ctxt.project_id))

    def test_form_body_as_in_the_spec_sample(self) -> None:
        response = self.program(
            json_body=None, form={'glance_bitstream_uuid': base.BITSTREAM})
        self.assertEqual(200, response.status_int)
        self.assertEqual(SUCCESS, response.body)

    def test_json_with_charset(self) -> None:
        response = self.program(content_type='application/json; charset=utf-8')
        self.assertEqual(200, response.status_int)

    def test_uuids_are_passed_in_lower_case(self) -> None:
        self.program(bitstream=base.BITSTREAM.upper(),
                     deployable=base.DEPLOYABLE.upper())
        self.assertEqual((base.DEPLOYABLE, base.BITSTREAM, False),
                         self.conductor.calls[0][1:])

    def test_request_id_is_echoed(self) -> None:
        response = self.program()
        self.assertTrue(
            response.headers['x-openstack-request-id'].startswith('req-'))

    def test_request_is_logged_with_its_id_and_status(self) -> None:
        response = self.program()
        request_id = response.headers['x-openstack-request-id']
        self.assertIn('%s "POST /fpga/%s" status: 200'
                      % (request_id, base.DEPLOYABLE), self.log.output)

    def test_no_token_is_exactly_log_in(self) -> None:
        response = self.program(token=None)
        self.assertError(response, 401, 'fpga.not_authenticated')
        self.assertEqual(b'{"error": "Log in"}', response.body)
        self.assertEqual([], self.conductor.calls)

    def test_conductor_refusal_is_exactly_the_spec_body(self) -> None:
        self.conductor.error = exception.NotAuthorized()
        response = self.program()
        self.assertError(response, 422, 'fpga.not_authorized')
        self.assertEqual(
            b'{"error": "User is not authorized to use the resource"}',
            response.body)

    def test_invisible_bitstream_is_422(self) -> None:
        self.conductor.error = exception.BitstreamNotFound(uuid=base.BITSTREAM)
        self.assertError(self.program(), 422, 'fpga.bitstream_not_found')

    def test_conductor_errors_map_to_their_status(self) -> None:
        cases = [
            (exception.DeployableNotFound(uuid=base.DEPLOYABLE), 404),
            (exception.DeployableBusy(uuid=base.DEPLOYABLE), 409),
            (exception.BitstreamInvalid(uuid=base.BITSTREAM, reason='empty'),
             400),
            (exception.ProgramFailed(uuid=base.DEPLOYABLE,
                                     reason='CRC error in frame 12'), 502),
            (exception.AgentUnavailable(host='host-1', uuid=base.DEPLOYABLE,
                                        reason='timed out'), 504),
            (exception.ConductorUnavailable(reason='timed out'), 503),
            (exception.ImageServiceUnavailable(reason='refused'), 503),
        ]
        for error, status in cases:
            self.conductor.error = error
            data = self.assertError(self.program(), status, error.code)
            self.assertEqual(error.message, data['error'])

    def test_program_failed_names_the_cause(self) -> None:
        self.conductor.error = exception.ProgramFailed(
            uuid=base.DEPLOYABLE, reason='CRC error in frame 12')
        data = self.assertError(self.program(), 502, 'fpga.program_failed')
        self.assertIn('CRC error in frame 12', data['error'])


class TestProgramBody(base.ApiTestCase):

    def assertInvalid(self, response, code='fpga.invalid_request'):
        data = self.assertError(response, 400, code)
        self.assertEqual([], self.conductor.calls)
        return data

    def test_bad_uuid_in_path(self) -> None:
        data = self.assertInvalid(self.program(deployable='not-a-uuid'),
                                  'fpga.invalid_uuid')
        self.assertIn('deployable_uuid', data['error'])

    def test_bad_uuid_in_body(self) -> None:
        for value in ('nope', '0b955a5bf5dd49d08c4f28729427d303',
                      '{0b955a5b-f5dd-49d0-8c4f-28729427d303}'):
            data = self.assertInvalid(self.program(bitstream=value),
                                      'fpga.invalid_uuid')
            self.assertIn('glance_bitstream_uuid', data['error'])

    def test_bad_uuid_in_form(self) -> None:
        data = self.assertInvalid(
            self.program(json_body=None,
                         form={'glance_bitstream_uuid': 'nope'}),
            'fpga.invalid_uuid')
        self.assertIn('glance_bitstream_uuid', data['error'])

    def test_missing_field(self) -> None:
        data = self.assertInvalid(self.program(json_body={}))
        self.assertIn('glance_bitstream_uuid', data['error'])
        self.assertInvalid(self.program(json_body=None, form={}))

    def test_unknown_field_is_refused(self) -> None:
        body = {'glance_bitstream_uuid': base.BITSTREAM, 'forced': True}
        data = self.assertInvalid(self.program(json_body=body))
        self.assertIn('forced', data['error'])
        form = {'glance_bitstream_uuid': base.BITSTREAM, 'forced': '1'}
        self.assertInvalid(self.program(json_body=None, form=form))

    def test_repeated_form_field(self) -> None:
        body = ('glance_bitstream_uuid=%s&glance_bitstream_uuid=%s'
                % (base.BITSTREAM, base.BITSTREAM)).encode()
        self.assertInvalid(self.program(
            json_body=None, body=body,
            content_type='application/x-www-form-urlencoded'))

    def test_wrong_type(self) -> None:
        values: tuple[object, ...] = (42, None, [base.BITSTREAM], {})
        for value in values:
            self.assertInvalid(self.program(
                json_body={'glance_bitstream_uuid': value}))

    def test_malformed_json(self) -> None:
        for body in (b'{"glance_bitstream_uuid": ', b'', b'\xff\xfe{',
                     b'nan'):
            self.assertInvalid(self.program(
                json_body=None, body=body, content_type='application/json'))

    def test_json_that_is_not_an_object(self) -> None:
        self.assertInvalid(self.program(json_body=[base.BITSTREAM]))

    def test_unsupported_media_type(self) -> None:
        body = json.dumps({'glance_bitstream_uuid': base.BITSTREAM}).encode()
        for content_type in ('text/plain', 'multipart/form-data', None):
            response = self.program(json_body=None, body=body,
                                    content_type=content_type)
            self.assertError(response, 415, 'fpga.unsupported_media_type')

    def test_no_body_at_all_names_the_missing_field(self) -> None:
        response = self.program(json_body=None, body=b'', content_type=None)
        body = self.assertError(response, 400, 'fpga.invalid_request')
        self.assertIn('glance_bitstream_uuid', body['error'])

    def test_body_over_the_limit_by_content_length(self) -> None:
        self.conf.set_override('max_request_body_size', 64, group='api')
        body = {'glance_bitstream_uuid': base.BITSTREAM, 'pad': 'x' * 64}
        self.assertError(self.program(json_body=body), 413,
                         'fpga.request_too_large')

    def test_body_over_the_limit_without_content_length(self) -> None:
        self.conf.set_override('max_request_body_size', 64, group='api')
        request_body = json.dumps({'glance_bitstream_uuid': base.BITSTREAM,
                                   'pad': 'x' * 64}).encode()
        import webob
        request = webob.Request.blank(
            '/fpga/' + base.DEPLOYABLE, method='POST', body=request_body,
            content_type='application/json',
            headers={'X-Auth-Token': base.MEMBER})
        # Chunked: no Content-Length, only the bounded read can stop it.
        del request.environ['CONTENT_LENGTH']
        request.environ['wsgi.input_terminated'] = True
        self.assertError(request.get_response(self.app), 413,
                         'fpga.request_too_large')

    def test_body_at_the_limit_is_accepted(self) -> None:
        body = json.dumps({'glance_bitstream_uuid': base.BITSTREAM}).encode()
        self.conf.set_override('max_request_body_size', len(body),
                               group='api')
        response = self.program(json_body=None, body=body,
                                content_type='application/json')
        self.assertEqual(200, response.status_int)


class TestForce(base.ApiTestCase):
    """``force``: a JSON boolean, or a form's true/false/1/0."""

    def forced(self, token: str = base.ADMIN, **kwargs: Any) -> bool:
        response = self.program(token=token, **kwargs)
        self.assertEqual(200, response.status_int, response.body)
        self.assertEqual(SUCCESS, response.body)
        return self.conductor.calls[-1][3]

    def test_json(self) -> None:
        for value in (True, False):
            body = {'glance_bitstream_uuid': base.BITSTREAM, 'force': value}
            self.assertIs(value, self.forced(json_body=body))

    def test_form(self) -> None:
        for text, value in (('true', True), ('1', True), ('false', False),
                            ('0', False)):
            form = {'glance_bitstream_uuid': base.BITSTREAM, 'force': text}
            self.assertIs(value, self.forced(json_body=None, form=form))

    def test_absent_is_false(self) -> None:
        self.assertIs(False, self.forced())
        form = {'glance_bitstream_uuid': base.BITSTREAM}
        self.assertIs(False, self.forced(json_body=None, form=form))

    def test_not_a_boolean(self) -> None:
        values: tuple[object, ...] = ('true', 1, 0, None, 'yes', [])
        for value in values:
            body = {'glance_bitstream_uuid': base.BITSTREAM, 'force': value}
            data = self.assertError(self.program(json_body=body), 400,
                                    'fpga.invalid_request')
            self.assertIn('force must be true or false', data['error'])
        for text in ('yes', 'TRUE', '', 'on', '2'):
            form = {'glance_bitstream_uuid': base.BITSTREAM, 'force': text}
            data = self.assertError(
                self.program(json_body=None, form=form), 400,
                'fpga.invalid_request')
            self.assertIn('force must be true, false, 1 or 0', data['error'])
        self.assertEqual([], self.conductor.calls)

    def test_member_may_not_force(self) -> None:
        # The conductor enforces fpga:program:force, as the stub does.
        body = {'glance_bitstream_uuid': base.BITSTREAM, 'force': True}
        self.assertError(self.program(json_body=body), 422,
                         'fpga.not_authorized')
        self.assertEqual([], self.conductor.calls)
        # Not forcing needs no more than fpga:program.
        body['force'] = False
        self.assertEqual(200, self.program(json_body=body).status_int)

    def test_an_already_loaded_bitstream_answers_the_same(self) -> None:
        # The conductor returns normally when the agent skipped the load.
        body = {'glance_bitstream_uuid': base.BITSTREAM, 'force': False}
        self.assertIs(False, self.forced(token=base.MEMBER, json_body=body))
