"""GET /bitstreams, and GET /fpga/{uuid}/bitstreams: what fits a deployable."""

from __future__ import annotations

import json
from typing import Any
import urllib.parse

from cyborg_fpga.image import base as image_base
from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import fakes

REGION = 'a0000000-0000-4000-8000-000000000001'
PF = 'c0000000-0000-4000-8000-000000000003'
SHELL = 'e0000000-0000-4000-8000-00000000000e'
REGION_TYPE = 'f0000000-0000-4000-8000-00000000000f'
OTHER = '90000000-0000-4000-8000-000000000009'


def image(name: str, status: str = 'active',
          **properties: Any) -> image_base.Bitstream:
    """A bitstream whose uuid says its name, for readable failures."""
    number = sum(ord(c) for c in name)
    return image_base.Bitstream(
        uuid='%08x-0000-4000-8000-000000000000' % number, name=name,
        status=status, size=1, owner='p1', visibility='private',
        tags=('FPGA',), properties=properties)


class TestBitstreams(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.images.images = [image_base.Bitstream(
            uuid=base.BITSTREAM, name='gzip', status='active', size=1024,
            owner='p1', visibility='private', tags=('FPGA',),
            properties={'vendor': 'xilinx', 'board': 'u250',
                        'direct_url': 'rbd://secret',
                        'os_glance_importing_to_stores': ''},
            checksum='md5', os_hash_algo='sha512', os_hash_value='abc')]

    def test_list(self) -> None:
        response = self.call('GET', '/bitstreams')
        self.assertEqual(200, response.status_int)
        self.assertEqual({'bitstreams': [{
            'uuid': base.BITSTREAM, 'name': 'gzip', 'status': 'active',
            'size': 1024, 'owner': 'p1', 'visibility': 'private',
            'tags': ['FPGA'],
            'properties': {'vendor': 'xilinx', 'board': 'u250'},
            'os_hash_algo': 'sha512', 'os_hash_value': 'abc'}]},
            json.loads(response.body))

    def test_filters_and_caller_identity_reach_the_image_service(self) -> None:
        self.call('GET', '/bitstreams?vendor=xilinx&board=u250&name=gzip'
                  '&limit=5')
        ctxt, filters, limit = self.images.calls[-1]
        self.assertEqual(('alice', 'p1'), (ctxt.user_id, ctxt.project_id))
        self.assertEqual({'vendor': 'xilinx', 'board': 'u250',
                          'name': 'gzip'}, filters)
        self.assertEqual(5, limit)

    def test_metadata_filters_reach_the_image_service(self) -> None:
        # As given: synthesis tools write these UUIDs their own way.
        query = {'function_uuid': 'F00D', 'region_uuid': base.BITSTREAM,
                 'shell_id': '15fb0c0a2b9e4c5d8e7f6a5b4c3d2e1f'}
        response = self.call('GET', '/bitstreams?'
                             + urllib.parse.urlencode(query))
        self.assertEqual(200, response.status_int)
        self.assertEqual((query, 1000), self.images.calls[-1][1:])

    def test_default_limit_is_max_limit(self) -> None:
        self.call('GET', '/bitstreams')
        self.assertEqual(({}, 1000), self.images.calls[-1][1:])

    def test_show(self) -> None:
        response = self.call('GET', '/bitstreams/' + base.BITSTREAM.upper())
        self.assertEqual(200, response.status_int)
        body = json.loads(response.body)['bitstream']
        self.assertEqual((base.BITSTREAM, 'gzip'),
                         (body['uuid'], body['name']))
        self.assertEqual({'vendor': 'xilinx', 'board': 'u250'},
                         body['properties'])
        self.assertNotIn('checksum', body)

    def test_show_hides_missing_and_untagged_images(self) -> None:
        self.images.images.append(image_base.Bitstream(
            uuid=OTHER, name='cirros', status='active', size=1, owner='p1',
            visibility='public', tags=(), properties={}))
        for uuid in (OTHER, REGION):
            self.assertError(self.call('GET', '/bitstreams/' + uuid), 404,
                             'fpga.not_found')
        self.assertError(self.call('GET', '/bitstreams/' + OTHER + '?x=1'),
                         400, 'fpga.invalid_request')

    def test_unknown_filter(self) -> None:
        self.assertError(self.call('GET', '/bitstreams?owner=p2'), 400,
                         'fpga.invalid_request')
        self.assertError(self.call('GET', '/bitstreams?shell_id='), 400,
                         'fpga.invalid_request')


class TestCompatibleBitstreams(base.ApiTestCase):
    """GET /fpga/{uuid}/bitstreams over a stub that ignores filters.

    So the compatibility rules alone decide what is listed here.
    """

    def setUp(self) -> None:
        super().setUp()
        self.db.add(fakes.deployable(base.DEPLOYABLE, loaded_bs_uuid=SHELL))
        self.db.add(fakes.deployable(
            REGION, parent_uuid=base.DEPLOYABLE, kind='region', name='pr0',
            region_type_uuid=REGION_TYPE))
        self.db.add(fakes.deployable(PF, parent_uuid=REGION, kind='pf'))
        pr = {'vendor': 'xilinx', 'board': 'u250', 'shell_id': SHELL,
              'region_uuid': REGION_TYPE}
        self.images.images = [
            image('shell', vendor='Xilinx', board='U250'),
            image('shell-u280', vendor='xilinx', board='u280'),
            image('shell-queued', status='queued', vendor='xilinx',
                  board='u250'),
            image('pr', **pr),
            image('pr-upper', **dict(pr, shell_id=SHELL.upper())),
            image('pr-other-shell', **dict(pr, shell_id=OTHER)),
            image('pr-other-region', **dict(pr, region_uuid=OTHER)),
            image('pr-intel', **dict(pr, vendor='intel')),
        ]

    def names(self, uuid: str, query: str = '',
              token: str = base.MEMBER) -> list[str]:
        response = self.call('GET', '/fpga/%s/bitstreams%s' % (uuid, query),
                             token=token)
        self.assertEqual(200, response.status_int, response.body)
        return [b['name'] for b in response.json['bitstreams']]

    def test_board_takes_shells_of_its_model(self) -> None:
        self.assertEqual(['shell'], self.names(base.DEPLOYABLE))
        ctxt, filters, limit = self.images.calls[-1]
        self.assertEqual(('alice', 'p1'), (ctxt.user_id, ctxt.project_id))
        self.assertEqual({'status': 'active', 'vendor': 'xilinx',
                          'board': 'u250'}, filters)
        self.assertEqual(1000, limit)

    def test_region_takes_pr_bitstreams_for_the_running_shell(self) -> None:
        self.assertEqual(['pr', 'pr-upper'], self.names(REGION))
        self.assertEqual({'status': 'active', 'vendor': 'xilinx',
                          'board': 'u250', 'shell_id': SHELL,
                          'region_uuid': REGION_TYPE},
                         self.images.calls[-1][1])

    def test_region_of_a_board_without_a_known_shell(self) -> None:
        self.db.add(fakes.deployable(base.DEPLOYABLE, loaded_bs_uuid=None))
        self.assertEqual([], self.names(REGION))
        self.assertEqual([], self.images.calls)

    def test_region_without_a_type_is_not_filtered_on_it(self) -> None:
        self.db.add(fakes.deployable(
            REGION, parent_uuid=base.DEPLOYABLE, kind='region'))
        self.assertEqual([], self.names(REGION))
        self.assertNotIn('region_uuid', self.images.calls[-1][1])

    def test_nothing_fits_a_pf(self) -> None:
        self.assertEqual([], self.names(PF))
        self.assertEqual([], self.images.calls)

    def test_limit_counts_what_fits(self) -> None:
        self.assertEqual(['pr'], self.names(REGION, '?limit=1'))
        # The store was asked for a full page: the rules drop some.
        self.assertEqual(1000, self.images.calls[-1][2])

    def test_a_reader_may_list(self) -> None:
        self.assertEqual(['shell'], self.names(base.DEPLOYABLE,
                                               token='bob:p1:reader'))

    def test_refused(self) -> None:
        path = '/fpga/%s/bitstreams' % base.DEPLOYABLE
        # A read the rule refuses looks like a missing deployable.
        self.assertError(self.call('GET', path, token='eve:p1:guest'), 404,
                         'fpga.deployable_not_found')
        self.assertError(self.call('GET', path, token=None), 401,
                         'fpga.not_authenticated')
        self.assertEqual([], self.images.calls)

    def test_errors(self) -> None:
        self.assertError(self.call('GET', '/fpga/%s/bitstreams' % OTHER),
                         404, 'fpga.deployable_not_found')
        self.assertError(self.call('GET', '/fpga/x/bitstreams'), 400,
                         'fpga.invalid_uuid')
        self.assertError(
            self.call('GET', '/fpga/%s/bitstreams?vendor=x'
                      % base.DEPLOYABLE), 400, 'fpga.invalid_request')
        self.assertError(
            self.call('POST', '/fpga/%s/bitstreams' % base.DEPLOYABLE), 405,
            'fpga.method_not_allowed')

    def test_view_hides_store_details(self) -> None:
        self.images.images = [image('shell', vendor='xilinx', board='u250',
                                    direct_url='rbd://secret')]
        response = self.call('GET', '/fpga/%s/bitstreams' % base.DEPLOYABLE)
        (shown,) = json.loads(response.body)['bitstreams']
        self.assertEqual({'vendor': 'xilinx', 'board': 'u250'},
                         shown['properties'])
