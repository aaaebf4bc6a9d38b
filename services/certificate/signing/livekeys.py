"""A keyring that follows its key folder: a rotation or a withdrawal is picked up without a restart.

:class:`LiveKeyring` reads ``keyring.json``'s modification stamp at most every ``check_every`` seconds and
loads the folder again when it changed (``keytool`` replaces the file atomically, after writing the new
keys). It answers every :class:`~services.certificate.signing.keyring.Keyring` attribute from the keyring
loaded last (``current()``), so the signer, the trust material and the key publisher take it where they
took a keyring. A folder that does not load (a key file missing mid-copy) keeps the previous keyring and is
tried again at the next check.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from services.certificate.signing.keyring import Keyring, KeyringError, load_keyring

log = logging.getLogger(__name__)
CHECK_EVERY = 5.0


class LiveKeyring:
    def __init__(self, directory: Path, *, check_every: float = CHECK_EVERY,
                 loader: Callable[[Path], Keyring] = load_keyring,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.directory = Path(directory)
        self._loader, self._monotonic, self._check_every = loader, monotonic, check_every
        self._lock = threading.Lock()
        self._stamp = self._read_stamp()
        self._keyring = loader(self.directory)
        self._checked = monotonic()

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.directory / "keyring.json").stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def current(self) -> Keyring:
        """The keyring as the folder holds it (checked at most every ``check_every`` seconds)."""
        if self._monotonic() - self._checked >= self._check_every:
            with self._lock:
                if self._monotonic() - self._checked >= self._check_every:
                    self._reload_if_changed()
                    self._checked = self._monotonic()
        return self._keyring

    def _reload_if_changed(self) -> None:
        stamp = self._read_stamp()
        if stamp == self._stamp:
            return
        try:
            keyring = self._loader(self.directory)
        except (KeyringError, OSError, ValueError) as exc:
            log.warning("key folder %s changed but does not load (%s); keeping keyring v%s",
                        self.directory, exc, self._keyring.version)
            return
        if keyring.version != self._keyring.version:
            log.info("key folder %s: keyring v%s -> v%s", self.directory, self._keyring.version, keyring.version)
        self._keyring, self._stamp = keyring, stamp

    def __getattr__(self, name: str):
        return getattr(self.current(), name)


def current(keyring: Keyring | LiveKeyring) -> Keyring:
    """The keyring as it is now, for code that reads several of its parts at once (one consistent view)."""
    return keyring.current() if isinstance(keyring, LiveKeyring) else keyring


__all__ = ["CHECK_EVERY", "LiveKeyring", "current"]
