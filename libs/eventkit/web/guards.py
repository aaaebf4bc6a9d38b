"""Input guards that run before every view: hostile bytes in the URL are a 400, never a 500.

A path segment or query parameter holding a control character (NUL, ESC, DEL, C1 ...) or a malformed
percent-escape (``%zz``, a lone ``%``, ``%ff`` that is not UTF-8) is refused with a problem naming the check
(``rule``: ``control-character`` / ``percent-encoding``) and the parameter (``field``: the route's path
parameter or the query parameter; ``path`` for a fixed segment). Without this, PostgreSQL's refusal of NUL in
text surfaced as a 500 on every route that looks an id up, and werkzeug silently turned ``%ff`` into U+FFFD.

The checks read the raw URI the server received (``RAW_URI`` / ``REQUEST_URI``, ``QUERY_STRING``), not
only werkzeug's lenient decoding, so ``%25zz`` (a literal ``%zz``) stays acceptable.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from flask import Flask, request

from eventkit.errors import VaxTrailError

CONTROL_CHARACTER = "control-character"
PERCENT_ENCODING = "percent-encoding"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class MalformedInput(VaxTrailError):
    """A path or query parameter the service refuses to interpret: 400."""

    status = 400
    title = "Malformed request"


def install_input_guards(app: Flask) -> None:
    """Refuse hostile path and query input on every route of ``app`` before its view runs."""
    app.before_request(check_url)


def check_url() -> None:
    """Raise :class:`MalformedInput` for the first hostile path segment or query parameter."""
    _check_path()
    _check_query(request.environ.get("QUERY_STRING", ""))


def _check_path() -> None:
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    raw_path = urlsplit(raw_uri).path if "://" in raw_uri.split("?", 1)[0] else raw_uri.split("?", 1)[0]
    for segment in raw_path.split("/"):
        if _encoding_problem(segment):
            field = _path_field(unquote(segment, errors="replace"))
            raise MalformedInput(f"path parameter {field} is not valid percent-encoded UTF-8",
                                 rule=PERCENT_ENCODING, field=field)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and _CONTROL.search(value):
            raise MalformedInput(f"path parameter {name} contains a control character", rule=CONTROL_CHARACTER,
                                 field=name)
    if _CONTROL.search(request.path):
        raise MalformedInput("the path contains a control character", rule=CONTROL_CHARACTER, field="path")


def _path_field(decoded_segment: str) -> str:
    """The route parameter a hostile segment was bound to (werkzeug decodes leniently), else ``path``."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and value and decoded_segment and (
                decoded_segment in value or value in decoded_segment):
            return name
    return "path"


def _check_query(query_string: str) -> None:
    for pair in query_string.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        field = _printable(unquote(raw_name.replace("+", " "), errors="replace")) or "(empty name)"
        if _encoding_problem(raw_name) or _encoding_problem(raw_value):
            raise MalformedInput(f"query parameter {field} is not valid percent-encoded UTF-8",
                                 rule=PERCENT_ENCODING, field=field)
        if _CONTROL.search(unquote(raw_name)) or _CONTROL.search(unquote(raw_value.replace("+", " "))):
            raise MalformedInput(f"query parameter {field} contains a control character", rule=CONTROL_CHARACTER,
                                 field=field)


def _encoding_problem(raw: str) -> bool:
    """Whether ``raw`` (as the server received it) has a malformed escape or does not decode as UTF-8."""
    if _BAD_ESCAPE.search(raw):
        return True
    try:
        data = raw.encode("latin-1")  # WSGI hands the received bytes over as latin-1 text
    except UnicodeEncodeError:
        data = raw.encode("utf-8")
    try:
        unquote_to_bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _printable(name: str) -> str:
    """A parameter name safe to echo in ``field`` (control characters escaped, at most 64 characters)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)[:64]
