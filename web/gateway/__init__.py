"""The web gateway: one origin for the browser app and every service's API.

- ``settings``  the frozen :class:`GatewaySettings`, read from the environment once
- ``assets``    the built browser app (``web/app/dist``): files, and ``index.html`` for every app route
- ``proxy``     ``/api/<service>/<path>`` -> the service, with the signed-in user's bearer token
- ``signin``    the token cookie, ``/auth/me``, ``/auth/logout`` and the local-only development sign-in
- ``oidc``      OpenID Connect authorization code + PKCE sign-in against a configurable provider
- ``app``       :func:`create_app`, the composition root; ``wsgi`` is the gunicorn target
"""
