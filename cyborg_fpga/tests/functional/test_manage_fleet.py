"""``cyborg-fpga-manage fleet`` against a deployment of four hosts.

The command runs as an operator runs it: a process of its own, with admin
credentials in the environment (the noauth deployment's ``admin_token``
plugin, token ``admin:admin``) and no configuration file. What it did is
read back from the database, the simulated devices and the load history.

PostgreSQL, because its timestamps keep microseconds: the concurrency
bounds are checked on the overlaps of the history rows.
"""

from __future__ import annotations

from concurrent import futures
import json
import os
import signal
import subprocess
import sys
import uuid

import fixtures

from cyborg_fpga.tests.fixtures import services
from cyborg_fpga.tests.functional import base

HOSTS = ('host-a', 'host-b', 'host-c', 'host-d')


def max_overlap(rows):
    """How many of ``rows`` (history rows) ran at once, at most.

    History times are whole seconds (``models.utcnow``). Truncating both
    ends never makes two loads overlap that did not, so a bound seen to
    hold here holds; but a load shorter than a second could show no
    length at all, hence loads of a second at least in this class.
    """
    events = []
    for row in rows:
        assert row.finished_at > row.started_at, (
            'a load of no length in whole seconds: %r' % row)
        # An end sorts before a start at the same instant: touching is not
        # overlapping.
        events.append((row.started_at, 1))
        events.append((row.finished_at, -1))
    running = peak = 0
    for _, change in sorted(events):
        running += change
        peak = max(peak, running)
    return peak


class FleetTest(base.DeploymentTestCase):

    backend = 'postgresql'
    hosts = HOSTS
    regions_per_host = 2
    # At least a second: see max_overlap.
    program_seconds = 1.0

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.project = self.new_project()
        self.h = self.deployment.hosts
        for host in self.h.values():
            self.addCleanup(host.clear_faults)
            for region in host.regions:
                self.assign(region, self.project)

    # Building a fleet that runs tenant functions on its current shells.

    def current_shell(self, host):
        return self.deployment.db.get_deployable(
            self.h[host].board).loaded_bs_uuid

    def new_target(self):
        """A new shell for the U250s, and its interface UUID."""
        bs_uuid = str(uuid.uuid4())
        name = 'u250-shell-%s' % bs_uuid[:8]
        image = self.bitstream(
            self.project, name=name, visibility='public',
            properties=self.h['host-a'].shell_properties(
                **{'bs-uuid': bs_uuid, 'version': '2.0'}))
        return image, name, bs_uuid

    def prepare(self, hosts, new_shell, missing=()):
        """Load function i into region i of each host; build their successors.

        Returns {region: successor bitstream or None}; ``missing`` lists
        (host, region index) that get no bitstream for ``new_shell``.
        """
        functions = [str(uuid.uuid4()) for _ in range(2)]
        successors = {}
        loads = []
        for name in hosts:
            host = self.h[name]
            shell = self.current_shell(name)
            for i, region in enumerate(host.regions):
                old = self.bitstream(self.project, name='fn%d-old' % i,
                                     properties=host.pr_properties(
                                         shell_id=shell,
                                         function_uuid=functions[i],
                                         function_name='fn%d' % i))
                loads.append((region, old))
                successors[region] = None if (name, i) in missing else \
                    self.bitstream(self.project, name='fn%d-new' % i,
                                   properties=host.pr_properties(
                                       shell_id=new_shell,
                                       function_uuid=functions[i],
                                       function_name='fn%d' % i))
        with futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(
                lambda job: self.program(job[0], job[1], self.ADMIN_TOKEN),
                loads))
        for answer in answers:
            self.assertEqual(200, answer.status_code, answer.text)
        return successors

    # Running the command.

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env.update(OS_AUTH_TYPE='admin_token', OS_ENDPOINT=self.deployment.url,
                   OS_TOKEN=self.ADMIN_TOKEN)
        return env

    def command(self, *args):
        return [sys.executable, '-m', 'cyborg_fpga.cmd.manage', 'fleet',
                *args]

    def fleet(self, *args, expect=0):
        done = subprocess.run(self.command(*args), capture_output=True,
                              text=True, timeout=180, env=self.env(),
                              cwd=self.tmp, stdin=subprocess.DEVNULL)
        self.assertEqual(expect, done.returncode,
                         'stdout:\n%s\nstderr:\n%s' % (done.stdout,
                                                       done.stderr))
        return done

    @staticmethod
    def kill_if_running(process):
        if process.poll() is None:
            process.kill()
            process.wait()

    def hosts_args(self, *hosts):
        return [arg for host in hosts for arg in ('--host', host)]

    def rows(self, deployable, bitstreams):
        """Load history rows of ``deployable`` that loaded one of these."""
        return [r for r in self.deployment.db.list_history(deployable)
                if r.bitstream_uuid in bitstreams]

    def result(self, path):
        with open(os.path.join(self.tmp, path)) as f:
            return json.load(f)

    def steps(self, result):
        return {step['uuid']: step for board in result['boards']
                for step in [board, *board['regions']]}

    # The tests.

    def test_plan_and_dry_run_change_nothing(self):
        target, name, bs_uuid = self.new_target()
        successors = self.prepare(('host-a', 'host-b'), bs_uuid,
                                  missing=[('host-a', 1)])
        # host-c already runs the target; host-b is parked.
        self.assertEqual(200, self.program(self.h['host-c'].board, target,
                                           self.ADMIN_TOKEN).status_code)
        self.deployment.request('PATCH', '/deployables/%s'
                                % self.h['host-b'].board, json={
                                    'maintenance': True,
                                    'maintenance_reason': 'fan swap'})
        self.addCleanup(self.deployment.request, 'PATCH',
                        '/deployables/%s' % self.h['host-b'].board,
                        json={'maintenance': False})
        selection = self.hosts_args('host-a', 'host-b', 'host-c')

        plan = json.loads(self.fleet('plan', name, '--format', 'json',
                                     *selection).stdout)
        self.assertEqual((target, bs_uuid),
                         (plan['target']['uuid'], plan['target']['bs_uuid']))
        boards = {b['host']: b for b in plan['boards']}
        self.assertEqual(['host-a', 'host-b', 'host-c'], sorted(boards))
        self.assertEqual(('pending', 'skipped', 'nothing'),
                         tuple(boards[h]['status'] for h in sorted(boards)))
        self.assertIn('fan swap', boards['host-b']['note'])
        self.assertEqual([], boards['host-c']['regions'])
        a0, a1 = boards['host-a']['regions']
        self.assertEqual(('pending', successors[a0['uuid']], 'fn0'),
                         (a0['status'], a0['bitstream'], a0['function_name']))
        self.assertEqual(('left_empty', None), (a1['status'], a1['bitstream']))
        self.assertIn('no bitstream of function fn1 fits', a1['note'])
        # The parked board's regions keep their choices, for a resume.
        self.assertEqual([successors[r] for r in self.h['host-b'].regions],
                         [r['bitstream'] for r in boards['host-b']['regions']])

        table = self.fleet('plan', name, *selection).stdout
        self.assertIn('Target shell %s (%s)' % (name, target), table)
        self.assertIn('load the target shell', table)
        self.assertIn('left empty: no bitstream of function fn1', table)
        self.assertIn('skipped: in maintenance: fan swap', table)
        self.assertIn('nothing to do: already on the target shell', table)

        history = {d: len(self.deployment.db.list_history(d))
                   for h in self.h.values() for d in h.deployables}
        devices = {d: h.devices.read(d) for h in self.h.values()
                   for d in h.deployables}
        dry = self.fleet('apply', name, '--dry-run', *selection).stdout
        self.assertIn('Dry run: apply would run 2 loads', dry)
        self.assertIn('load fn0-new (%s)' % successors[self.h['host-a']
                                                        .regions[0]], dry)
        self.assertEqual(history, {d: len(self.deployment.db.list_history(d))
                                   for d in history})
        self.assertEqual(devices, {d: h.devices.read(d)
                                   for h in self.h.values()
                                   for d in h.deployables})
        self.assertEqual([], os.listdir(self.tmp))

    def test_apply_migrates_within_bounds(self):
        target, name, bs_uuid = self.new_target()
        successors = self.prepare(HOSTS, bs_uuid, missing=[('host-d', 1)])
        # One per host: unbounded, a board's two region reloads would
        # overlap; three in the fleet: unbounded, the four shells would.
        done = self.fleet('apply', target, '--max-parallel', '3',
                          '--max-per-host', '1', '--result-file', 'r.json')
        self.assertIn('Result file: r.json', done.stdout)
        self.assertIn('loaded shell', done.stderr)

        db = self.deployment.db
        shells, reloads = [], []
        for host in self.h.values():
            board = db.get_deployable(host.board)
            self.assertEqual((target, bs_uuid),
                             (board.loaded_bitstream, board.loaded_bs_uuid))
            self.assertEqual(target,
                             host.devices.read(host.board).loaded_bitstream)
            [shell_row] = self.rows(host.board, {target})
            shells.append(shell_row)
            for region in host.regions:
                expected = successors[region]
                self.assertEqual(expected,
                                 db.get_deployable(region).loaded_bitstream)
                self.assertEqual(expected,
                                 host.devices.read(region).loaded_bitstream)
                for row in self.rows(region, {expected}):
                    # After the shell load, never beside it.
                    self.assertGreaterEqual(row.started_at,
                                            shell_row.finished_at)
                    reloads.append(row)
        self.assertEqual(7, len(reloads))
        every = shells + reloads
        self.assertEqual({'succeeded'}, {r.result for r in every})
        self.assertLessEqual(max_overlap(every), 3)
        # Loads did run side by side: the bound is a bound, not a queue.
        self.assertGreaterEqual(max_overlap(every), 2)
        for host in self.h.values():
            self.assertEqual(1, max_overlap(
                [r for r in every if r.host == host.name]))

        result = self.result('r.json')
        self.assertTrue(result['finished'])
        self.assertEqual({'done': 11, 'left_empty': 1}, result['counts'])
        self.assertIn('left empty', done.stdout)

        # Again: every board is on the target, nothing to do.
        again = self.fleet('apply', target, '--result-file', 'again.json')
        self.assertEqual({'nothing': 4},
                         self.result('again.json')['counts'])
        self.assertIn('Running 0 loads', again.stderr)

    def test_failed_loads_are_resumed_alone(self):
        target, name, bs_uuid = self.new_target()
        successors = self.prepare(('host-a', 'host-b'), bs_uuid)
        a, b = self.h['host-a'], self.h['host-b']
        a.set_fault(a.board, 'error', reason='shell flash refused')
        b.set_fault(b.regions[0], 'error', reason='region tool crashed')
        old_functions = {r: self.deployment.db.get_deployable(r)
                         .loaded_bitstream for r in a.regions}
        args = [name, '--result-file', 'r.json',
                *self.hosts_args('host-a', 'host-b')]
        first = self.fleet('apply', *args, expect=1)
        self.assertIn('fleet apply --resume r.json', first.stderr)
        self.assertIn('shell flash refused', first.stderr)
        self.assertIn('[fpga.program_failed]', first.stdout)

        steps = self.steps(self.result('r.json'))
        self.assertEqual(('failed', 'fpga.program_failed'),
                         (steps[a.board]['status'],
                          steps[a.board]['error_code']))
        self.assertEqual(['not_attempted'] * 2,
                         [steps[r]['status'] for r in a.regions])
        self.assertEqual(['done', 'failed', 'done'],
                         [steps[d]['status'] for d in b.deployables])
        # The failed shell load touched nothing: the tenants keep theirs.
        self.assertEqual(old_functions, {
            r: self.deployment.db.get_deployable(r).loaded_bitstream
            for r in a.regions})

        a.clear_faults()
        b.clear_faults()
        again = self.fleet('apply', '--resume', 'r.json')
        self.assertIn('Running 4 loads', again.stderr)
        result = self.result('r.json')
        self.assertTrue(result['finished'])
        self.assertEqual(2, len(result['runs']))
        # Only what failed or never ran was loaded again.
        self.assertEqual(['failed', 'succeeded'],
                         [r.result for r in reversed(self.rows(a.board,
                                                               {target}))])
        self.assertEqual(1, len(self.rows(b.board, {target})))
        self.assertEqual(1, len(self.rows(b.regions[1],
                                          {successors[b.regions[1]]})))
        self.assertEqual(['failed', 'succeeded'], [
            r.result for r in reversed(self.rows(
                b.regions[0], {successors[b.regions[0]]}))])
        for host in (a, b):
            for region in host.regions:
                self.assertEqual(successors[region],
                                 host.devices.read(region).loaded_bitstream)

    def test_ctrl_c_finishes_loads_in_flight(self):
        target, name, bs_uuid = self.new_target()
        successors = self.prepare(HOSTS, bs_uuid)
        a, b = self.h['host-a'], self.h['host-b']
        # Long enough to send the signal while both are loading.
        a.set_fault(a.board, 'delay', seconds=3)
        b.set_fault(b.board, 'delay', seconds=3)
        stderr_path = os.path.join(self.tmp, 'stderr')
        with open(stderr_path, 'w') as stderr:
            process = subprocess.Popen(
                self.command('apply', name, '--max-parallel', '2',
                             '--result-file', 'r.json'),
                env=self.env(), cwd=self.tmp, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=stderr, text=True)
        self.addCleanup(self.kill_if_running, process)
        services.wait_for(
            lambda: all(os.path.exists(h.devices.marker_path(h.board))
                        for h in (a, b)), 60, 'both shell loads under way')
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=60)
        with open(stderr_path) as f:
            errors = f.read()
        self.assertEqual(130, process.returncode, stdout + errors)
        self.assertIn('Stopping: 2 loads in flight will finish', errors)
        self.assertIn('fleet apply --resume r.json', errors)

        steps = self.steps(self.result('r.json'))
        db = self.deployment.db
        for host in (a, b):
            # In flight at the signal: finished and recorded.
            self.assertEqual('done', steps[host.board]['status'])
            self.assertEqual(target, db.get_deployable(host.board)
                             .loaded_bitstream)
            # Ready after the signal: never started.
            for region in host.regions:
                self.assertEqual('pending', steps[region]['status'])
                self.assertEqual([], self.rows(region, {successors[region]}))
        for host in (self.h['host-c'], self.h['host-d']):
            self.assertEqual('pending', steps[host.board]['status'])
            self.assertEqual([], self.rows(host.board, {target}))

        a.clear_faults()
        b.clear_faults()
        self.fleet('apply', '--resume', 'r.json')
        self.assertTrue(self.result('r.json')['finished'])
        for host in self.h.values():
            self.assertEqual(1, len(self.rows(host.board, {target})))
            for region in host.regions:
                self.assertEqual(successors[region],
                                 db.get_deployable(region).loaded_bitstream)

    def test_usage_errors(self):
        self.fleet('apply', expect=2)
        self.fleet('plan', 'no-such-shell-%s' % uuid.uuid4().hex, expect=2)
        self.fleet('apply', 'x', '--resume', 'r.json', expect=2)
        pr = self.bitstream(self.project,
                            properties=self.h['host-a'].pr_properties())
        done = self.fleet('plan', pr, expect=2)
        self.assertIn('is a PR bitstream', done.stderr)
        self.fleet('apply', 'x', '--max-parallel', '0', expect=2)
