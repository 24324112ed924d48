"""GET /: the versions document, for clients discovering the API."""

from __future__ import annotations

from typing import Any

import webob

from cyborg_fpga.api import hooks


def versions(request: webob.Request, ctxt: Any, app: Any) -> dict[str, Any]:
    # One version so far; its resources sit at the root, as the spec's
    # sample call (POST /fpga/{uuid}) has them.
    document: dict[str, Any] = {'versions': [{
        'id': 'v1',
        'status': 'CURRENT',
        'links': [{'rel': 'self', 'href': request.application_url + '/'}],
    }]}
    if app.conf.api.auth_strategy == 'noauth':
        # Where anyone looking at the API sees it first.
        document.update(auth_strategy='noauth',
                        warning=hooks.NOAUTH_WARNING)
    return document
