"""VaxTrail's web front end: the browser app (``web/app``, TypeScript built with npm) and the gateway
(:mod:`web.gateway`) that serves it at http://127.0.0.1:8080 and routes ``/api/<service>/...`` to the
services. See docs/ui.md."""
