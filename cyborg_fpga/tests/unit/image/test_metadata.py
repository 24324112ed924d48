"""The bitstream metadata standard: every key's rules and the topology's."""

from __future__ import annotations

import copy
import json
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.image import metadata
from cyborg_fpga.image import topology_rules
from cyborg_fpga.tests import base

# The specification's example, verbatim.
SPEC_TOPOLOGY = topology_rules.EXAMPLE
SPEC_TOPOLOGY_TEXT = json.dumps(SPEC_TOPOLOGY, indent=2)
UUIDS = {'bs-uuid': '1c5a0a6b-0f5e-4b8e-9d4b-3a2f6c7d8e91',
         'shell_id': '7e3f2b10-5c4d-4e8a-b1f2-0a9c8d7e6f54',
         'region_uuid': '0b8d6c4e-2f1a-4c3b-9e8d-7a6b5c4d3e2f',
         'function_uuid': '5f6e7d8c-9b0a-4f1e-8d2c-3b4a5c6d7e8f'}
REQUIRED = ('bs-name', 'bs-uuid', 'vendor', 'board', 'version', 'driver_ver',
            'function_uuid')
NULLABLE = ('shell_id', 'driver', 'driver_path', 'topology', 'description',
            'region_uuid', 'function_name')


def complete(**changes: Any) -> dict[str, Any]:
    """Every key set, as Glance stores them; ``changes`` override."""
    properties: dict[str, Any] = dict(
        UUIDS, **{'bs-name': 'aes-128', 'vendor': 'Xilinx', 'board': 'KU115',
                  'version': '1.0', 'driver': 'SDX', 'driver_ver': '1.0',
                  'driver_path': '/opt/drivers/sdx/install',
                  'topology': SPEC_TOPOLOGY_TEXT,
                  'description': 'AES-128 for region 0',
                  'function_name': 'aes-128'})
    properties.update(changes)
    return properties


def minimal(**changes: Any) -> dict[str, Any]:
    """Only the keys that may not be null: a shell without a driver."""
    properties = {key: complete()[key] for key in REQUIRED}
    properties.update(changes)
    return properties


def found(properties: Any, tags: Any = None) -> list[tuple[str, str]]:
    return [(p.key, p.message) for p in metadata.validate(properties, tags)]


class TestKeys(base.TestCase):

    def test_the_fourteen_keys_of_the_spec_table_in_its_order(self) -> None:
        self.assertEqual(
            ('bs-name', 'bs-uuid', 'vendor', 'board', 'shell_id', 'version',
             'driver', 'driver_ver', 'driver_path', 'topology',
             'description', 'region_uuid', 'function_uuid', 'function_name'),
            metadata.KEY_NAMES)

    def test_nullability(self) -> None:
        self.assertEqual(set(NULLABLE), {key.name for key in metadata.KEYS
                                         if key.nullable})
        [driver_path] = [key for key in metadata.KEYS
                         if key.required_with is not None]
        self.assertEqual(('driver_path', 'driver'),
                         (driver_path.name, driver_path.required_with))

    def test_uuid_keys(self) -> None:
        self.assertEqual(set(UUIDS), {key.name for key in metadata.KEYS
                                      if key.kind == metadata.UUID})

    def test_filter_keys(self) -> None:
        self.assertEqual(('vendor', 'board', 'function_uuid', 'region_uuid',
                          'shell_id', 'name'), metadata.FILTER_KEYS)

    def test_problem_names_its_key(self) -> None:
        self.assertEqual('vendor: is required',
                         str(metadata.Problem('vendor', 'is required')))


class TestValid(base.TestCase):

    def test_complete_metadata(self) -> None:
        self.assertEqual([], found(complete(), tags=['FPGA']))
        meta = metadata.check(complete(), tags=['FPGA', 'other'])
        self.assertEqual('aes-128', meta.bs_name)
        self.assertEqual(UUIDS['bs-uuid'], meta.bs_uuid)
        self.assertEqual(UUIDS['shell_id'], meta.shell_id)
        self.assertEqual(UUIDS['region_uuid'], meta.region_uuid)
        self.assertEqual(UUIDS['function_uuid'], meta.function_uuid)
        self.assertEqual(('Xilinx', 'KU115', '1.0', 'SDX', '1.0'),
                         (meta.vendor, meta.board, meta.version, meta.driver,
                          meta.driver_ver))
        self.assertEqual('/opt/drivers/sdx/install', meta.driver_path)
        self.assertEqual('AES-128 for region 0', meta.description)
        self.assertEqual('aes-128', meta.function_name)
        self.assertEqual(SPEC_TOPOLOGY, meta.topology)
        self.assertFalse(meta.is_shell)
        # Frozen, and hashable although it holds a dict.
        self.assertRaises(AttributeError, setattr, meta, 'vendor', 'Intel')
        self.assertIsInstance(hash(meta), int)

    def test_topology_as_a_mapping_from_a_metadata_file(self) -> None:
        meta = metadata.check(complete(topology=copy.deepcopy(SPEC_TOPOLOGY)))
        self.assertEqual(SPEC_TOPOLOGY, meta.topology)

    def test_minimal_shell_bitstream(self) -> None:
        meta = metadata.check(minimal())
        self.assertTrue(meta.is_shell)
        for key in NULLABLE:
            self.assertIsNone(getattr(meta, key))

    def test_null_is_absent_empty_or_json_null(self) -> None:
        for null in ('', None):
            properties = minimal(**{key: null for key in NULLABLE})
            self.assertEqual([], found(properties))
            meta = metadata.check(properties)
            self.assertEqual([None] * len(NULLABLE),
                             [getattr(meta, key) for key in NULLABLE])

    def test_other_properties_are_allowed(self) -> None:
        self.assertEqual([], found(complete(hw_family='ultrascale',
                                            owner_team='crypto')))

    def test_uuids_in_either_case(self) -> None:
        self.assertEqual([], found(complete(
            **{'bs-uuid': UUIDS['bs-uuid'].upper()})))

    def test_description_may_span_lines(self) -> None:
        self.assertEqual([], found(complete(description='one\ntwo\tthree')))
        self.assertEqual([], found(complete(description='x' * 1024)))


class TestInvalidKeys(base.TestCase):

    def test_every_required_key(self) -> None:
        for key in REQUIRED:
            for missing in (minimal(**{key: ''}), minimal(**{key: None}),
                            {k: v for k, v in minimal().items() if k != key}):
                self.assertEqual(
                    [(key, 'is required and may not be empty')],
                    found(missing), key)

    def test_every_uuid_key(self) -> None:
        good = UUIDS['bs-uuid']
        for key in UUIDS:
            for bad in ('not-a-uuid', good.replace('-', ''),
                        '{%s}' % good, 'urn:uuid:' + good, good + '0',
                        good[:-1] + 'g'):
                problems = found(complete(**{key: bad}))
                self.assertEqual([key], [k for k, _m in problems], bad)
                self.assertIn('must be a UUID', problems[0][1])

    def test_every_text_key_is_a_bounded_string(self) -> None:
        limits = {key.name: key.max_length for key in metadata.KEYS
                  if key.kind == metadata.TEXT}
        self.assertEqual(255, limits['vendor'])
        self.assertEqual(1024, limits['description'])
        self.assertEqual(1024, limits['driver_path'])
        for key, limit in limits.items():
            self.assertEqual([], found(complete(**{key: 'x' * limit})))
            self.assertEqual(
                [(key, 'is %d characters long; the limit is %d'
                  % (limit + 1, limit))],
                found(complete(**{key: 'x' * (limit + 1)})))
            problems = found(complete(**{key: 1.0}))
            self.assertEqual([key], [k for k, _m in problems])
            self.assertIn('must be a string, not float', problems[0][1])

    def test_whitespace_and_control_characters(self) -> None:
        # Glance filters match exactly: 'Xilinx ' is never found.
        self.assertEqual([('vendor', 'has leading or trailing whitespace')],
                         found(complete(vendor='Xilinx ')))
        self.assertEqual([('board', 'contains control characters')],
                         found(complete(board='KU\n115')))
        self.assertEqual([('bs-name', 'is required and may not be empty')],
                         found(complete(**{'bs-name': ''})))

    def test_driver_path_is_required_only_with_a_driver(self) -> None:
        self.assertEqual([('driver_path', 'is required when driver is set')],
                         found(complete(driver_path='')))
        self.assertEqual([], found(complete(driver='', driver_path='')))
        # The specification makes it mandatory: accepted, and unused.
        self.assertEqual([], found(minimal(driver_path='/opt/x')))

    def test_misspelt_keys_are_named(self) -> None:
        problems = found(complete(bs_name='aes', **{'Function-UUID': 'x'}))
        self.assertEqual(
            [('Function-UUID', "is not a key of the standard; did you mean "
              "'function_uuid'?"),
             ('bs_name', "is not a key of the standard; did you mean "
              "'bs-name'?")], problems)

    def test_other_properties_must_be_strings(self) -> None:
        problems = found(complete(hw_family=3))
        self.assertEqual(['hw_family'], [k for k, _m in problems])

    def test_fpga_tag(self) -> None:
        tag_problem = ('tags', 'the FPGA tag is missing; every bitstream is '
                       'tagged FPGA in Glance')
        self.assertEqual([tag_problem], found(complete(), tags=[]))
        self.assertEqual([tag_problem], found(complete(), tags=['fpga']))
        self.assertEqual([], found(complete(), tags=iter(['x', 'FPGA'])))
        # Without tags (a metadata file) there is nothing to check.
        self.assertEqual([], found(complete()))

    def test_every_problem_at_once(self) -> None:
        bad = {'bs-uuid': 'x', 'vendor': ' Xilinx', 'board': 115,
               'shell_id': 'shell', 'version': '', 'driver': 'SDX',
               'topology': '{"pf_num": 1}', 'region_uuid': 'r',
               'description': 7, 'function_name': 'x' * 256,
               'Vendor': 'again'}
        problems = metadata.validate(bad, tags=['other'])
        keys = [p.key for p in problems]
        for key in ('bs-name', 'bs-uuid', 'vendor', 'board', 'shell_id',
                    'version', 'driver_ver', 'driver_path', 'topology',
                    'description', 'region_uuid', 'function_uuid',
                    'function_name', 'Vendor', 'tags'):
            self.assertIn(key, keys)
        error = self.assertRaises(exception.InvalidMetadata, metadata.check,
                                  bad, ['other'])
        self.assertEqual(
            'Invalid bitstream metadata: '
            + '; '.join(str(p) for p in problems), error.message)
        self.assertEqual('fpga.invalid_metadata', error.code)


class TestTopology(base.TestCase):

    def problems(self, topology: Any) -> list[str]:
        return topology_rules.load(topology)[1]

    def assertProblem(self, expected: str, topology: Any) -> None:
        problems = self.problems(topology)
        self.assertIn(expected, problems)
        # The same through the standard, under the topology key.
        self.assertIn(('topology', expected),
                      found(complete(topology=topology)))

    def spec(self) -> dict[str, Any]:
        return copy.deepcopy(SPEC_TOPOLOGY)

    def test_spec_example_as_text_and_as_object(self) -> None:
        self.assertEqual(SPEC_TOPOLOGY,
                         metadata.parse_topology(SPEC_TOPOLOGY_TEXT))
        self.assertEqual(SPEC_TOPOLOGY, metadata.parse_topology(self.spec()))
        self.assertIsNone(metadata.parse_topology(None))
        self.assertIsNone(metadata.parse_topology(''))

    def test_vendor_members_are_allowed(self) -> None:
        topology = self.spec()
        topology['clock_mhz'] = 300
        topology['pf'][0]['vf'][0]['queues'] = {'rx': 8, 'tx': 8}
        self.assertEqual(topology, metadata.parse_topology(topology))

    def test_no_pfs(self) -> None:
        self.assertEqual({'pf_num': 0, 'vf_num': 0, 'pf': []},
                         metadata.parse_topology('{"pf_num":0,"vf_num":0,'
                                                 '"pf":[]}'))

    def test_parse_raises_with_every_problem(self) -> None:
        error = self.assertRaises(exception.InvalidMetadata,
                                  metadata.parse_topology,
                                  '{"pf_num": "2", "pf": {}}')
        self.assertEqual(
            "Invalid bitstream metadata: topology: pf_num must be a "
            "non-negative integer, got '2'; topology: has no 'vf_num'; "
            "topology: pf must be a list, not dict", error.message)

    def test_bad_json(self) -> None:
        self.assertProblem('is not valid JSON: Expecting value: line 1 '
                           'column 1 (char 0)', 'pf_num=2')
        self.assertProblem('is not valid JSON: NaN is not JSON',
                           '{"pf_num": NaN}')
        self.assertProblem("is not valid JSON: the member 'pf_num' appears "
                           "twice in one object",
                           '{"pf_num": 2, "vf_num": 2, "pf_num": 3}')

    def test_not_an_object(self) -> None:
        self.assertProblem('must be a JSON object, not list', '[1, 2]')
        self.assertProblem('must be JSON text or an object, not int', 5)

    def test_counts(self) -> None:
        topology = self.spec()
        topology['pf_num'] = 3
        self.assertProblem('pf_num is 3 but pf lists 2 PFs', topology)
        topology = self.spec()
        topology['vf_num'] = 1
        self.assertProblem('vf_num is 1 but the PFs list 2 VFs', topology)
        for bad in (True, -1, 2.0, '2', None):
            topology = self.spec()
            topology['pf_num'] = bad
            self.assertProblem('pf_num must be a non-negative integer, got '
                               '%r' % (bad,), topology)

    def test_duplicate_names(self) -> None:
        topology = self.spec()
        topology['pf'][1]['name'] = 'pf_1'
        self.assertProblem("pf[1].name 'pf_1' is also the name of pf[0]",
                           topology)
        # VF names are unique across the topology, not only in their PF.
        topology = self.spec()
        topology['pf'][1]['vf'][0]['name'] = 'vf_1'
        self.assertProblem("pf[1].vf[0].name 'vf_1' is also the name of "
                           "pf[0].vf[0]", topology)
        topology = self.spec()
        topology['pf'][0]['vf'][0]['name'] = 'pf_2'
        self.assertProblem("pf[1].name 'pf_2' is also the name of "
                           "pf[0].vf[0]", topology)

    def test_missing_fields(self) -> None:
        for field in ('name', 'capability', 'kpi', 'pci_offset'):
            topology = self.spec()
            del topology['pf'][1][field]
            self.assertProblem('pf[1] has no %r' % field, topology)
        for field in ('name', 'pci_offset'):
            topology = self.spec()
            del topology['pf'][0]['vf'][0][field]
            self.assertProblem('pf[0].vf[0] has no %r' % field, topology)
        topology = self.spec()
        del topology['pf'][0]['vf']
        self.assertProblem("pf[0] has no 'vf' list (write [] for none)",
                           topology)
        for key in ('pf_num', 'vf_num'):
            topology = self.spec()
            del topology[key]
            self.assertProblem('has no %r' % key, topology)
        self.assertProblem("has no 'pf' list", {'pf_num': 0, 'vf_num': 0})

    def test_wrong_types(self) -> None:
        topology = self.spec()
        topology['pf'][0]['vf'] = {'name': 'vf_1'}
        self.assertProblem('pf[0].vf must be a list', topology)
        topology = self.spec()
        topology['pf'][1] = 'pf_2'
        self.assertProblem('pf[1] must be an object', topology)
        topology = self.spec()
        topology['pf'][0]['vf'][0] = ['vf_1']
        self.assertProblem('pf[0].vf[0] must be an object', topology)
        topology = self.spec()
        topology['pf'][0]['kpi'] = 100
        self.assertProblem('pf[0].kpi must be a string, not int', topology)
        topology = self.spec()
        topology['pf'][0]['name'] = ''
        self.assertProblem('pf[0].name may not be empty', topology)

    def test_pci_offset(self) -> None:
        for bad in ('-1', 'x1', '0x10', ' 1', '1\n', '1.5', ''):
            topology = self.spec()
            topology['pf'][0]['pci_offset'] = bad
            self.assertProblem('pf[0].pci_offset must be a non-negative '
                               'integer written as a string, such as "0", '
                               'got %r' % bad, topology)
        topology = self.spec()
        topology['pf'][0]['vf'][0]['pci_offset'] = 1
        self.assertProblem('pf[0].vf[0].pci_offset must be a string, not '
                           'int', topology)
        topology = self.spec()
        topology['pf'][0]['pci_offset'] = '1' * 17
        self.assertProblem('pf[0].pci_offset is 17 characters long; the '
                           'limit is 16', topology)

    def test_long_fields(self) -> None:
        topology = self.spec()
        topology['pf'][0]['capability'] = 'c' * 256
        self.assertProblem('pf[0].capability is 256 characters long; the '
                           'limit is 255', topology)

    def test_every_problem_at_once(self) -> None:
        topology = self.spec()
        topology['vf_num'] = 5
        del topology['pf'][0]['kpi']
        topology['pf'][1]['name'] = 'vf_1'
        topology['pf'][1]['vf'][0]['pci_offset'] = 'three'
        self.assertEqual(
            ['vf_num is 5 but the PFs list 2 VFs', "pf[0] has no 'kpi'",
             "pf[1].name 'vf_1' is also the name of pf[0].vf[0]",
             'pf[1].vf[0].pci_offset must be a non-negative integer written '
             "as a string, such as \"0\", got 'three'"],
            self.problems(topology))


class TestTopologyBounds(base.TestCase):

    def topology(self, pfs: int, vfs_per_pf: int) -> dict[str, Any]:
        return {'pf_num': pfs, 'vf_num': pfs * vfs_per_pf, 'pf': [
            {'name': 'pf%d' % i, 'capability': '', 'kpi': '',
             'pci_offset': str(i),
             'vf': [{'name': 'vf%d_%d' % (i, j), 'pci_offset': str(j)}
                    for j in range(vfs_per_pf)]} for i in range(pfs)]}

    def test_pfs(self) -> None:
        self.assertEqual([], topology_rules.load(self.topology(64, 0))[1])
        self.assertEqual(['has 65 PFs; the limit is 64'],
                         topology_rules.load(self.topology(65, 0))[1])

    def test_vfs_in_all(self) -> None:
        self.assertEqual([], topology_rules.load(self.topology(4, 64))[1])
        self.assertEqual(['has 257 VFs; the limit is 256 in all'],
                         topology_rules.load(self.topology(1, 257))[1])

    def test_bytes_of_text(self) -> None:
        prefix = json.dumps(self.topology(1, 0))[:-1] + ', "notes": "'
        text = prefix + 'n' * (65535 - len(prefix) - 2) + '"}'
        self.assertEqual(65535, len(text))
        self.assertEqual([], topology_rules.load(text)[1])
        too_big = text[:-2] + 'n"}'
        self.assertEqual(
            [('topology', 'is 65536 bytes of JSON; the limit is 65535 bytes')],
            found(complete(topology=too_big)))

    def test_bytes_of_an_object(self) -> None:
        topology = self.topology(1, 0)
        topology['notes'] = 'n' * 70000
        problems = topology_rules.load(topology)[1]
        self.assertEqual(1, len(problems))
        self.assertIn('the limit is 65535 bytes', problems[0])

    def test_nesting(self) -> None:
        nested: Any = 'leaf'
        for _ in range(8):
            nested = [nested]
        topology = self.topology(1, 0)
        topology['pf'][0]['extra'] = nested  # 3 + 8 levels
        message = 'nests deeper than the limit of 8 levels'
        self.assertEqual([message], topology_rules.load(topology)[1])
        self.assertEqual([message],
                         topology_rules.load(json.dumps(topology))[1])
        # Deeper than Python's own parser can go: still a clear message.
        self.assertEqual([message],
                         topology_rules.load('[' * 30000 + ']' * 30000)[1])


class TestToProperties(base.TestCase):

    def test_what_goes_to_glance(self) -> None:
        source = complete(topology=SPEC_TOPOLOGY, shell_id=None,
                          description='', hw_family='ultrascale')
        properties = metadata.to_properties(source)
        self.assertNotIn('shell_id', properties)
        self.assertNotIn('description', properties)
        self.assertEqual('ultrascale', properties['hw_family'])
        self.assertTrue(all(isinstance(v, str) for v in properties.values()))
        # Compact, keys sorted: the same topology is always the same text.
        self.assertEqual(
            '{"pf":[{"capability":"","kpi":"","name":"pf_1","pci_offset":'
            '"0","vf":[{"name":"vf_1","pci_offset":"1"}]},{"capability":"",'
            '"kpi":"","name":"pf_2","pci_offset":"2","vf":[{"name":"vf_2",'
            '"pci_offset":"3"}]}],"pf_num":2,"vf_num":2}',
            properties['topology'])
        self.assertEqual(properties['topology'], metadata.to_properties(
            complete(topology=SPEC_TOPOLOGY_TEXT))['topology'])
        # What Glance then returns meets the standard as it is.
        self.assertEqual([], found(properties, tags=['FPGA']))
        self.assertEqual(SPEC_TOPOLOGY,
                         metadata.check(properties).topology)

    def test_invalid_metadata_never_goes(self) -> None:
        self.assertRaises(exception.InvalidMetadata, metadata.to_properties,
                          complete(vendor=''))
