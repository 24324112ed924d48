"""The documented exchanges: each sample of the API reference, as a request.

``EXCHANGES`` says, for every file in ``api-ref/source/samples/``, which
request test_api_ref.py sends to a real deployment and what status the
reference promises. Paths name the deployment's deployables and images by
role (``{loaded_region}``); request samples name them by the reference's
example values (``SAMPLE_IDS``), and both are replaced before sending.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
from typing import Any

from cyborg_fpga.api import routes

ROOT = pathlib.Path(__file__).resolve().parents[3]
INDEX = ROOT / 'api-ref' / 'source' / 'index.rst'
SAMPLES = ROOT / 'api-ref' / 'source' / 'samples'

# The reference's example values, and the role whose real value replaces
# each in a request sample or a documented query.
SAMPLE_IDS = {
    '0b955a5b-f5dd-49d0-8c4f-28729427d303': 'image',
    '5a1e4c4f-3b9e-4f0c-8d7a-2c6b9e0f1d22': 'function',
    '9d1e0c5b3a4f4b6e8a7d2c1f0e9b8a7d': 'project',
}

_DIRECTIVE = re.compile(r'^\.\. (rest_method|literalinclude):: (.+)$')


@dataclasses.dataclass(frozen=True)
class Exchange:
    # The test's name: test_<name>.
    name: str
    method: str
    # As sent, with roles in braces: /fpga/{loaded_region}.
    path: str
    status: int
    response: str
    # The body, a sample file sent as it is; .txt is a form.
    request: str | None = None
    # As documented, with the reference's example values.
    query: str = ''
    # Who asks: member or reader of the scenario's project, admin, nobody.
    token: str | None = 'member'
    # The host whose bitstream ``image`` and ``function`` stand for.
    host: str = 'host-a'
    # A scenario step that sets the stage (test_api_ref.py, _prepare_*).
    prepare: str | None = None
    # Keys the test deployment adds and the sample leaves out (noauth).
    strip: tuple[str, ...] = ()
    # The specification fixes the body byte for byte; the code is then
    # only in the Cyborg-FPGA-Error-Code header.
    exact_bytes: bool = False
    code: str | None = None

    @property
    def route(self) -> routes.Route:
        """The route the request reaches, as the API dispatches it."""
        path = re.sub(r'\{\w+\}', '2864a139-c2cd-4f9f-abf3-44eb3f09b83c',
                      self.path)
        return routes.match(self.method, path)[0]

    @property
    def documented_request(self) -> str:
        """What the reference shows of a request with a query."""
        return '%s %s?%s' % (self.method, self.path, self.query)

    def samples(self) -> list[str]:
        return [name for name in (self.request, self.response) if name]


EXCHANGES: tuple[Exchange, ...] = (
    Exchange('versions', 'GET', '/', 200, 'versions-response.json',
             token=None, strip=('auth_strategy', 'warning')),
    Exchange('versions_noauth', 'GET', '/', 200,
             'versions-noauth-response.json', token=None),
    Exchange('not_logged_in', 'POST', '/fpga/{free_region}', 401,
             'error-401.json', request='program-request.json', token=None,
             exact_bytes=True, code='fpga.not_authenticated'),
    Exchange('not_authorized', 'POST', '/fpga/{free_region}', 422,
             'error-422.json', request='program-request.json',
             token='reader', exact_bytes=True, code='fpga.not_authorized'),
    Exchange('invalid_uuid', 'GET', '/fpga/2864a139', 400,
             'error-invalid-uuid.json'),
    Exchange('program', 'POST', '/fpga/{free_region}', 200,
             'program-response.json', request='program-request.json'),
    Exchange('program_form', 'POST', '/fpga/{free_region}', 200,
             'program-response.json', request='program-request-form.txt'),
    Exchange('program_failed', 'POST', '/fpga/{failing_region}', 502,
             'program-failed-response.json', request='program-request.json',
             host='host-b', prepare='failing'),
    Exchange('program_busy', 'POST', '/fpga/{busy_region}', 409,
             'error-deployable-busy.json', request='program-request.json',
             host='host-b', prepare='busy'),
    Exchange('program_in_maintenance', 'POST', '/fpga/{maintenance_region}',
             409, 'error-deployable-in-maintenance.json',
             request='program-request.json', host='host-b',
             prepare='maintenance'),
    Exchange('fpga_show', 'GET', '/fpga/{loaded_region}', 200,
             'fpga-show-response.json'),
    Exchange('fpga_history', 'GET', '/fpga/{loaded_region}/history', 200,
             'fpga-history-response.json'),
    Exchange('fpga_bitstreams', 'GET', '/fpga/{loaded_region}/bitstreams',
             200, 'fpga-bitstreams-response.json'),
    Exchange('deployables_list', 'GET', '/deployables', 200,
             'deployables-list-response.json', query='kind=board&limit=1',
             token='admin'),
    Exchange('deployable_show', 'GET', '/deployables/{loaded_region}', 200,
             'deployable-show-response.json'),
    Exchange('deployable_not_found', 'GET', '/deployables/{missing}', 404,
             'error-deployable-not-found.json'),
    Exchange('deployable_update', 'PATCH', '/deployables/{maintenance_region}',
             200, 'deployable-update-response.json',
             request='deployable-update-request.json', token='admin',
             host='host-b'),
    Exchange('bitstreams_list', 'GET', '/bitstreams', 200,
             'bitstreams-list-response.json',
             query='function_uuid=5a1e4c4f-3b9e-4f0c-8d7a-2c6b9e0f1d22'),
    Exchange('bitstream_show', 'GET', '/bitstreams/{image}', 200,
             'bitstream-show-response.json'),
    Exchange('bitstream_not_found', 'GET', '/bitstreams/{missing}', 404,
             'error-not-found.json'),
)


def sample_text(name: str) -> str:
    return (SAMPLES / name).read_text()


def sample(name: str) -> Any:
    return json.loads(sample_text(name))


@dataclasses.dataclass(frozen=True)
class Inclusion:
    """A ``literalinclude`` of a sample in the reference."""

    sample: str
    # 'METHOD /path' of the section it is in; None before the first one.
    route: str | None
    # The paragraph that introduces it.
    introduction: str


def inclusions(text: str) -> list[Inclusion]:
    found = []
    route = None
    lines = text.splitlines()
    for number, line in enumerate(lines):
        directive = _DIRECTIVE.match(line)
        if directive is None:
            continue
        kind, argument = directive.groups()
        if kind == 'rest_method':
            route = argument.strip()
            continue
        if not argument.startswith('samples/'):
            continue
        found.append(Inclusion(argument[len('samples/'):].strip(), route,
                               _paragraph_before(lines, number)))
    return found


def _paragraph_before(lines: list[str], number: int) -> str:
    end = number
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return ' '.join(line.strip() for line in lines[start:end])
