"""When two actor ids name the same person, as the identity provider defines its subjects.

An actor id is the ``sub`` claim of the caller's token (:class:`eventkit.auth.principal.Principal`).
Decision (issue 18): a subject is case-insensitive. The local stack's issuer and the OIDC providers a
deployment points ``JWT_JWKS_URL`` at (user names, e-mail addresses, GUIDs) never give two people subjects
that differ only in letter case, while the same officer may be written ``Officer.Lan`` by one client and
``officer.lan`` by another. So actor ids are compared after NFKC normalisation and Unicode case folding,
ignoring surrounding whitespace. Every rule that asks whether two actions were taken by the same person
(four eyes, INV-16) goes through :func:`same_actor`; nothing compares actor ids with ``==``.
"""

from __future__ import annotations

import unicodedata


def actor_key(actor_id: str) -> str:
    """The canonical form of an actor id: what two ids of the same person have in common."""
    return unicodedata.normalize("NFKC", actor_id.strip()).casefold()


def same_actor(first: str, second: str) -> bool:
    """Whether ``first`` and ``second`` identify the same person (empty ids identify nobody)."""
    return bool(first.strip()) and actor_key(first) == actor_key(second)


__all__ = ["actor_key", "same_actor"]
