"""What the devstack shim does in Python: ini files and Keystone's API.

devstack edits ini files with sed and talks to Keystone with the
``openstack`` client; neither fits here (sed quoting, no client installed),
so the shim's functions call this instead, with the same effects::

    helpers.py iniset FILE SECTION OPTION VALUE
    helpers.py keystone service NAME TYPE DESCRIPTION      # prints its id
    helpers.py keystone endpoint SERVICE REGION INTERFACE URL
    helpers.py keystone user NAME PASSWORD DOMAIN
    helpers.py keystone grant ROLE USER PROJECT USER_DOMAIN PROJECT_DOMAIN

The Keystone commands log in as the admin that ``OS_AUTH_URL``,
``OS_USERNAME``, ``OS_PASSWORD`` and ``OS_PROJECT_NAME`` name (in the
default domain), as devstack's own admin credentials do. Each one gets or
creates, like devstack's ``get_or_create_*`` functions: running it twice
changes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import os
import re
import sys
from typing import Any

_SECTION_RE = re.compile(r'^\s*\[([^\]]+)\]\s*$')


def iniset(path: str, section: str, option: str, value: str) -> None:
    """Set ``option`` in ``section``, adding either where missing.

    Line by line, as devstack's iniset does, so that comments and the order
    of everything else stay as they were.
    """
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        lines = []
    option_re = re.compile(r'^\s*%s\s*=' % re.escape(option))
    new_line = '%s = %s' % (option, value)
    current = None
    header = None
    for index, line in enumerate(lines):
        match = _SECTION_RE.match(line)
        if match:
            current = match.group(1)
            if current == section and header is None:
                header = index
            continue
        if current == section and option_re.match(line):
            lines[index] = new_line
            break
    else:
        if header is None:
            lines += ['[%s]' % section, new_line]
        else:
            lines.insert(header + 1, new_line)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


class Keystone:
    """Keystone's v3 API as the admin of the environment's credentials."""

    def __init__(self) -> None:
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        import requests

        http = requests.Session()
        http.trust_env = False  # loopback only: never ask a proxy
        auth = v3.Password(
            auth_url=os.environ['OS_AUTH_URL'],
            username=os.environ['OS_USERNAME'],
            password=os.environ['OS_PASSWORD'],
            project_name=os.environ['OS_PROJECT_NAME'],
            user_domain_id=os.environ.get('OS_USER_DOMAIN_ID', 'default'),
            project_domain_id=os.environ.get('OS_PROJECT_DOMAIN_ID',
                                             'default'))
        self.session = session.Session(auth=auth, session=http)
        self.url = os.environ['OS_AUTH_URL'].rstrip('/')

    def find(self, collection: str, **filters: str) -> list[dict[str, Any]]:
        answer = self.session.get(self.url + '/' + collection,
                                  params=filters)
        listed: list[dict[str, Any]] = answer.json()[collection]
        return listed

    def create(self, collection: str, body: dict[str, Any]) -> str:
        singular = collection[:-1]
        answer = self.session.post(self.url + '/' + collection,
                                   json={singular: body})
        return str(answer.json()[singular]['id'])

    def one(self, collection: str, what: str,
            found: list[dict[str, Any]]) -> dict[str, Any]:
        if len(found) != 1:
            raise SystemExit('%d %s match %s' % (len(found), collection,
                                                 what))
        return found[0]

    def domain_id(self, name_or_id: str) -> str:
        found = [d for d in self.find('domains')
                 if name_or_id in (d['id'], d['name'])]
        return str(self.one('domains', name_or_id, found)['id'])

    def service_id(self, name_or_type: str) -> str:
        # As the openstack client resolves a service: by id, name or type.
        found = [s for s in self.find('services')
                 if name_or_type in (s['id'], s['name'], s['type'])]
        return str(self.one('services', name_or_type, found)['id'])

    def service(self, name: str, type_: str, description: str) -> str:
        for service in self.find('services', type=type_):
            if service['name'] == name:
                return str(service['id'])
        return self.create('services', {'name': name, 'type': type_,
                                        'description': description,
                                        'enabled': True})

    def endpoint(self, service: str, region: str, interface: str,
                 url: str) -> str:
        service_id = self.service_id(service)
        existing = self.find('endpoints', service_id=service_id,
                             interface=interface, region_id=region)
        # devstack keeps an endpoint that exists, whatever its URL.
        if existing:
            return str(existing[0]['id'])
        return self.create('endpoints', {
            'service_id': service_id, 'interface': interface, 'url': url,
            'region_id': region})

    def user(self, name: str, password: str, domain: str) -> str:
        domain_id = self.domain_id(domain)
        existing = self.find('users', name=name, domain_id=domain_id)
        if existing:
            return str(existing[0]['id'])
        return self.create('users', {'name': name, 'password': password,
                                     'domain_id': domain_id})

    def grant(self, role: str, user: str, project: str, user_domain: str,
              project_domain: str) -> None:
        role_id = self.one('roles', role, self.find('roles', name=role))['id']
        user_id = self.one('users', user, [
            u for u in self.find('users',
                                 domain_id=self.domain_id(user_domain))
            if user in (u['id'], u['name'])])['id']
        project_id = self.one('projects', project, [
            p for p in self.find('projects',
                                 domain_id=self.domain_id(project_domain))
            if project in (p['id'], p['name'])])['id']
        self.session.put('%s/projects/%s/users/%s/roles/%s'
                         % (self.url, project_id, user_id, role_id))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='helpers.py')
    commands = parser.add_subparsers(dest='command', required=True)
    ini = commands.add_parser('iniset')
    for name in ('path', 'section', 'option', 'value'):
        ini.add_argument(name)
    keystone = commands.add_parser('keystone')
    keystone.add_argument('action', choices=('service', 'endpoint', 'user',
                                             'grant'))
    keystone.add_argument('args', nargs='+')
    args = parser.parse_args(argv)
    if args.command == 'iniset':
        iniset(args.path, args.section, args.option, args.value)
        return 0
    result = getattr(Keystone(), args.action)(*args.args)
    if result is not None:
        print(result)
    return 0


if __name__ == '__main__':
    sys.exit(main())
