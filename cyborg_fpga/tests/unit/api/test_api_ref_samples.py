"""The samples of the API reference are what the API answers.

``api-ref/source/samples/*.json`` are included in ``api-ref/source/index.rst``;
each test sends the sample's request to the real Pecan app and compares:
fixed bodies exactly, the others exactly where the test can set the data
(the fake database holds the sample's values), by shape where the answer
depends on the deployment (the versions' links).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import fakes


def sample(name: str) -> Any:
    return json.loads(base.read_doc('api-ref/source/samples/' + name))


def shape(value: Any) -> Any:
    """The keys of every object, recursively, and the types of the rest."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def parse_time(text: str) -> datetime.datetime:
    # The database keeps naive UTC times.
    return datetime.datetime.fromisoformat(text).replace(tzinfo=None)


class TestApiRefSamples(base.ApiTestCase):

    def test_every_sample_is_included(self) -> None:
        import pathlib
        index = base.read_doc('api-ref/source/index.rst')
        folder = pathlib.Path(__file__).resolve().parents[4] / (
            'api-ref/source/samples')
        names = sorted(path.name for path in folder.glob('*.json'))
        self.assertTrue(names)
        for name in names:
            self.assertIn('.. literalinclude:: samples/%s' % name, index)

    def test_program(self) -> None:
        request = sample('program-request.json')
        response = self.program(json_body=request)
        self.assertEqual(200, response.status_int, response.body)
        self.assertEqual(sample('program-response.json'), response.json)
        self.assertEqual(request['glance_bitstream_uuid'],
                         self.conductor.calls[0][2])

    def test_program_form_as_in_the_specification(self) -> None:
        response = self.program(json_body=None,
                                form=sample('program-request.json'))
        self.assertEqual(sample('program-response.json'), response.json)

    def test_401(self) -> None:
        response = self.program(json_body=sample('program-request.json'),
                                token='')
        self.assertError(response, 401, 'fpga.not_authenticated')
        self.assertEqual(sample('error-401.json'), response.json)

    def test_422(self) -> None:
        response = self.program(json_body=sample('program-request.json'),
                                token='bob:p1:reader')
        self.assertError(response, 422, 'fpga.not_authorized')
        self.assertEqual(sample('error-422.json'), response.json)

    def test_program_failed(self) -> None:
        expected = sample('program-failed-response.json')
        self.conductor.error = exception.ProgramFailed(
            uuid=base.DEPLOYABLE, reason='CRC error in frame 12')
        response = self.program(json_body=sample('program-request.json'))
        self.assertError(response, 502, expected['code'])
        self.assertEqual(expected, response.json)

    def test_show_what_is_loaded(self) -> None:
        expected = sample('fpga-show-response.json')
        shown = expected['deployable']
        metadata = shown['loaded_metadata']
        last = shown['last_program']
        self.db.add(fakes.deployable(
            shown['uuid'], host=shown['host'], kind=shown['kind'],
            name=shown['name'], state=shown['state'],
            loaded_bitstream=shown['loaded_bitstream'],
            loaded_at=parse_time(shown['loaded_at']),
            loaded_bs_uuid=metadata['bs_uuid'],
            loaded_function_uuid=metadata['function_uuid'],
            loaded_function_name=metadata['function_name'],
            loaded_driver=metadata['driver'],
            loaded_driver_ver=metadata['driver_ver'],
            loaded_driver_path=metadata['driver_path'],
            last_bitstream=last['bitstream'], last_code=last['code'],
            last_error_code=last['error_code'], last_reason=last['reason'],
            last_program_at=parse_time(last['at'])))
        response = self.call('GET', '/fpga/' + shown['uuid'])
        self.assertEqual(200, response.status_int, response.body)
        self.assertEqual(expected, response.json)

    def test_versions(self) -> None:
        response = self.call('GET', '/', token=None)
        self.assertEqual(200, response.status_int, response.body)
        body = dict(response.json)
        # What noauth adds, as the API reference says.
        self.assertEqual('noauth', body.pop('auth_strategy'))
        self.assertIn('NO AUTHENTICATION', body.pop('warning'))
        self.assertEqual(shape(sample('versions-response.json')), shape(body))
