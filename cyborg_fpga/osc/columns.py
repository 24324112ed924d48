"""How nested answers of the API look in a table, and as data elsewhere.

``-f table`` shows the human form of each column; ``-f json``, ``yaml``
and ``value`` the machine form, so scripts get the tree as it came.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from cliff import columns


def describe(node: dict[str, Any]) -> str:
    """One deployable of a tree on one line: what it is and what it holds."""
    parts = ['%s (%s %s)' % (node.get('name'), node.get('kind'),
                             node.get('uuid'))]
    if node.get('state') and node.get('state') != 'ready':
        parts.append(str(node['state']))
    if node.get('loaded_bitstream'):
        loaded = 'holds %s' % node['loaded_bitstream']
        function = (node.get('loaded_metadata') or {}).get('function_name')
        if function:
            loaded += ' (%s)' % function
        parts.append(loaded)
    if node.get('pci_offset') is not None:
        parts.append('pci_offset %s' % node['pci_offset'])
    return ', '.join(parts)


def tree_lines(nodes: list[dict[str, Any]], depth: int = 0) -> list[str]:
    """Each node, then its children indented below it.

    PF under region, VF under PF, as the specification draws a loaded
    topology.
    """
    lines = []
    for node in nodes:
        lines.append('  ' * depth + describe(node))
        lines.extend(tree_lines(node.get('children') or [], depth + 1))
    return lines


class TreeColumn(columns.FormattableColumn[list[dict[str, Any]]]):
    """The ``children`` of a deployable: regions, PFs and VFs below it."""

    def human_readable(self) -> str:
        return '\n'.join(tree_lines(self._value or []))

    def machine_readable(self) -> list[dict[str, Any]]:
        return list(self._value or [])


class MappingColumn(columns.FormattableColumn[dict[str, Any] | None]):
    """A small dict: ``last_program``, ``loaded_metadata``.

    key=value lines in a table, null values left out; the dict elsewhere.
    """

    def human_readable(self) -> str:
        if not self._value:
            return ''
        return '\n'.join('%s=%s' % (key, value)
                         for key, value in sorted(self._value.items())
                         if value is not None)

    def machine_readable(self) -> dict[str, Any] | None:
        return None if self._value is None else dict(self._value)


class ListColumn(columns.FormattableColumn[list[Any]]):
    """Tags: comma-separated in a table."""

    def human_readable(self) -> str:
        return ', '.join(str(item) for item in self._value or [])

    def machine_readable(self) -> list[Any]:
        return list(self._value or [])


class ParentColumn(columns.FormattableColumn[dict[str, Any] | None]):
    """The parent of a deployable: ``name (kind uuid)``; empty for a board."""

    def human_readable(self) -> str:
        if not self._value:
            return ''
        return '%s (%s %s)' % (self._value.get('name'),
                               self._value.get('kind'),
                               self._value.get('uuid'))

    def machine_readable(self) -> dict[str, Any] | None:
        return None if self._value is None else dict(self._value)


def show(item: dict[str, Any], fields: tuple[str, ...],
         formatters: dict[str, type[columns.FormattableColumn[Any]]]
         ) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """``ShowOne.take_action``'s answer: ``fields`` of ``item``, in order."""
    values = tuple(formatters[field](item.get(field)) if field in formatters
                   else item.get(field) for field in fields)
    return fields, values


Formatters = dict[str, type[columns.FormattableColumn[Any]]]


def listing(items: Iterable[dict[str, Any]],
            wanted: tuple[tuple[str, str], ...],
            formatters: Formatters | None = None
            ) -> tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]:
    """``Lister.take_action``'s answer: a header per (header, field)."""
    formatters = formatters or {}

    def row(item: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(formatters[field](item.get(field))
                     if field in formatters else item.get(field)
                     for _, field in wanted)
    return (tuple(header for header, _ in wanted),
            (row(item) for item in items))
