"""The planning rules of a fleet shell migration, on API-shaped dicts."""

from __future__ import annotations

import uuid

from cyborg_fpga.fleet import plan
from cyborg_fpga.tests import base

OLD_SHELL = str(uuid.uuid4())
NEW_SHELL = str(uuid.uuid4())
REGION_TYPE = str(uuid.uuid4())
FUNCTION = str(uuid.uuid4())
TARGET = plan.Target(str(uuid.uuid4()), 'u250-shell-2', NEW_SHELL, 'Xilinx',
                     'U250')


def board(**changes):
    values = {'uuid': str(uuid.uuid4()), 'name': 'fpga0', 'host': 'h1',
              'kind': 'board', 'vendor': 'xilinx', 'board': 'u250',
              'state': 'ready', 'loaded_bitstream': None,
              'loaded_metadata': {'bs_uuid': OLD_SHELL},
              'maintenance': False, 'maintenance_reason': None}
    values.update(changes)
    return values


def region(parent, function=FUNCTION, **changes):
    values = {'uuid': str(uuid.uuid4()), 'name': 'region0',
              'parent_uuid': parent['uuid'], 'kind': 'region',
              'vendor': 'Xilinx', 'board': 'U250', 'state': 'ready',
              'region_type_uuid': REGION_TYPE, 'project_id': 'p1',
              'loaded_bitstream': str(uuid.uuid4()) if function else None,
              'loaded_metadata': {'function_uuid': function,
                                  'function_name': 'aes' if function
                                  else None,
                                  'bs_uuid': str(uuid.uuid4())
                                  if function else None},
              'maintenance': False, 'maintenance_reason': None}
    values.update(changes)
    return values


def image(shell=NEW_SHELL, owner='p1', visibility='private', version='1.0',
          **props):
    properties = {'vendor': 'Xilinx', 'board': 'U250', 'shell_id': shell,
                  'region_uuid': REGION_TYPE, 'function_uuid': FUNCTION,
                  'version': version}
    properties.update(props)
    return {'uuid': str(uuid.uuid4()), 'name': 'aes-%s' % version,
            'status': 'active', 'owner': owner, 'visibility': visibility,
            'properties': properties}


class TargetTest(base.TestCase):

    def test_a_shell_bitstream_is_a_target(self):
        found = plan.target_of({
            'uuid': TARGET.uuid, 'name': 'shell', 'status': 'active',
            'properties': {'bs-uuid': NEW_SHELL.upper(), 'vendor': 'Xilinx',
                           'board': 'U250'}})
        self.assertEqual(NEW_SHELL, found.bs_uuid)

    def test_pr_bitstreams_and_shells_without_bs_uuid_are_refused(self):
        e = self.assertRaises(plan.PlanError, plan.target_of, image())
        self.assertIn('is a PR bitstream', str(e))
        e = self.assertRaises(plan.PlanError, plan.target_of, {
            'uuid': 'x', 'name': 'shell', 'properties': {'vendor': 'X'}})
        self.assertIn('no bs-uuid, board', str(e))


class ChooseTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.board = board()
        self.region = region(self.board)

    def choose(self, candidates, current_owner=None):
        return plan.choose(TARGET, self.board, self.region, candidates,
                           current_owner)

    def test_only_bitstreams_for_the_new_shell_and_region_type_fit(self):
        good = image()
        found, count = self.choose([
            image(shell=OLD_SHELL), image(region_uuid=str(uuid.uuid4())),
            image(board='U280'), image(function_uuid=str(uuid.uuid4())),
            dict(image(), status='queued'), good])
        self.assertEqual((good['uuid'], 1), (found['uuid'], count))

    def test_nothing_fits(self):
        self.assertEqual((None, 0), self.choose([image(shell=OLD_SHELL)]))

    def test_highest_version_wins_numerically(self):
        newest = image(version='1.10')
        found, count = self.choose([image(version='1.9'), newest,
                                    image(version='1.2-rc1')])
        self.assertEqual((newest['uuid'], 3), (found['uuid'], count))

    def test_another_projects_private_image_is_never_chosen(self):
        found, _ = self.choose([image(owner='p2')])
        self.assertIsNone(found)
        public = image(owner='p2', visibility='public')
        self.assertEqual(public, self.choose([public])[0])
        # The publisher of the function the region runs now.
        vendor = image(owner='vendor', visibility='shared')
        self.assertEqual(vendor,
                         self.choose([vendor], current_owner='vendor')[0])
        # The admins' own regions take anything the admin sees.
        self.region['project_id'] = None
        self.assertIsNotNone(self.choose([image(owner='p2')])[0])

    def test_the_current_publisher_comes_first(self):
        publisher = image(owner='vendor', visibility='shared', version='1.0')
        newer = image(version='2.0')
        self.assertEqual(publisher, self.choose(
            [newer, publisher], current_owner='vendor')[0])


class BuildTest(base.TestCase):

    def lookup(self, chosen):
        return lambda b, r: (chosen, 1 if chosen else 0)

    def test_boards_and_regions(self):
        pending, done, parked = board(host='h1'), board(host='h2'), board(
            host='h3', maintenance=True, maintenance_reason='fan')
        done['loaded_metadata'] = {'bs_uuid': NEW_SHELL.upper()}
        successor = image()
        regions = [region(pending), region(pending, function=None,
                                           name='region1'),
                   region(done), region(parked)]
        built = plan.build(TARGET, {}, [parked, done, pending], regions,
                           self.lookup(successor))
        self.assertEqual(['h1', 'h2', 'h3'], [b.host for b in built.boards])
        first, second, third = built.boards
        self.assertEqual((plan.PENDING, [plan.PENDING, plan.NOTHING]),
                         (first.status, [r.status for r in first.regions]))
        self.assertEqual(successor['uuid'], first.regions[0].bitstream)
        self.assertEqual((plan.NOTHING, []), (second.status, second.regions))
        self.assertEqual((plan.SKIPPED, 'in maintenance: fan'),
                         (third.status, third.note))
        self.assertEqual([plan.SKIPPED], [r.status for r in third.regions])
        self.assertEqual(successor['uuid'], third.regions[0].bitstream)
        self.assertEqual({plan.PENDING: 2, plan.NOTHING: 2, plan.SKIPPED: 2},
                         built.counts())

    def test_a_function_without_successor_is_left_empty(self):
        b = board()
        built = plan.build(TARGET, {}, [b], [region(b)], self.lookup(None))
        [step] = built.boards[0].regions
        self.assertEqual((plan.LEFT_EMPTY, None), (step.status,
                                                   step.bitstream))
        self.assertIn('no bitstream of function aes fits', step.note or '')
        self.assertTrue(built.finished is False)

    def test_a_region_in_maintenance_keeps_its_board_out(self):
        b = board()
        built = plan.build(TARGET, {}, [b], [
            region(b, maintenance=True, maintenance_reason='probe')],
            self.lookup(image()))
        self.assertEqual((plan.SKIPPED, 'region region0 in maintenance: '
                          'probe'), (built.boards[0].status,
                                     built.boards[0].note))

    def test_round_trip_reopen_and_recheck(self):
        b1, b2 = board(host='h1'), board(host='h2')
        r1, r2 = region(b1), region(b2)
        built = plan.build(TARGET, {'hosts': []}, [b1, b2], [r1, r2],
                           self.lookup(image()))
        built.boards[0].status = plan.FAILED
        built.boards[0].regions[0].status = plan.NOT_ATTEMPTED
        built.boards[1].status = plan.DONE
        built.boards[1].regions[0].status = plan.FAILED
        again = plan.Plan.from_dict(built.to_dict())
        self.assertEqual(built, again)
        plan.reopen(again)
        self.assertEqual([plan.PENDING, plan.PENDING, plan.DONE,
                          plan.PENDING], [s.status for s in again.steps()])
        # Now h2's region is parked and h1's board is gone.
        plan.recheck(again, {b2['uuid']: b2},
                     [dict(r2, maintenance=True, maintenance_reason='x')])
        self.assertEqual([plan.FAILED, plan.FAILED, plan.DONE,
                          plan.SKIPPED], [s.status for s in again.steps()])
        self.assertEqual('fpga.deployable_not_found',
                         again.boards[0].error_code)
