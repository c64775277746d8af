"""Where attachment bytes live: a directory tree outside the database, behind a three-call interface.

A backend is a class built with the app's configuration that offers `save(stream) -> (key, size, sha256)`,
`open(key)` (a binary stream to read) and `delete(key)`. `ATTACHMENT_STORAGE` names the class by its dotted
path, so an object store (S3 and alike) can replace `LocalStorage` without touching the rest.
"""
import hashlib
import importlib
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app

from webapp.config import ConfigError

CHUNK = 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}")


class LocalStorage:
    """Files under ATTACHMENT_DIR, in two levels of sharded directories, named by a random key.

    Several web machines must see the same tree: in production ATTACHMENT_DIR is a shared mount (NFS or alike).
    """

    def __init__(self, config):
        self.root = Path(config["ATTACHMENT_DIR"])

    def save(self, stream):
        """Copy the stream into a temporary file, then move it into place at once; return (key, size, sha256)."""
        name = secrets.token_hex(16)
        key = f"{name[:2]}/{name[2:4]}/{name}"
        spool = self.root / ".incoming"
        spool.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        handle, temp_path = tempfile.mkstemp(dir=spool, prefix="upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            final = self._path(key)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, final)
        except BaseException:
            Path(temp_path).unlink(missing_ok=True)
            raise
        return key, size, digest.hexdigest()

    def open(self, key):
        """A binary stream of the stored file; FileNotFoundError when it is gone."""
        return open(self._path(key), "rb")  # noqa: SIM115  (the response closes it once sent)

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def _path(self, key):
        if not _KEY.fullmatch(key or ""):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key


def load(config):
    """The backend ATTACHMENT_STORAGE names, built with `config`; ConfigError when it cannot be."""
    path = config.get("ATTACHMENT_STORAGE") or ""
    module_name, _, class_name = path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(f"ATTACHMENT_STORAGE {path!r} cannot be imported: {exc}") from exc
    return cls(config)


def current():
    """The backend of the running app."""
    return load(current_app.config)


def check(app):
    """At start-up: fill the default directory, refuse production without a shared, absolute ATTACHMENT_DIR."""
    config = app.config
    uses_local = config.get("ATTACHMENT_STORAGE") == f"{__name__}.LocalStorage"
    if uses_local and config.get("GOVFLOW_ENV") == "production" and not config.get("ATTACHMENT_DIR"):
        raise ConfigError("production needs ATTACHMENT_DIR: an absolute path every web machine shares")
    if not config.get("ATTACHMENT_DIR"):
        config["ATTACHMENT_DIR"] = str(Path(app.instance_path) / "attachments")
    if uses_local and not Path(config["ATTACHMENT_DIR"]).is_absolute():
        raise ConfigError(f"ATTACHMENT_DIR must be an absolute path, not {config['ATTACHMENT_DIR']!r}")
    load(config)
