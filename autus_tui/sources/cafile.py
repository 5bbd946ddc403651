"""TLS client contexts that trust a configured CA bundle (``ca_file``), or the system's.

Both the poller (``backend.ca_file``) and the probes (``ca_file``) need this: the poller's
httpx client ignores the environment (``trust_env=False``), so ``SSL_CERT_FILE`` never
reaches it, and a backend behind a private CA needs the bundle named in the config.
A given bundle replaces the system's trust store (it is what that host is signed by).
"""

from __future__ import annotations

import ssl
from pathlib import Path

from autus_tui.core.config import UNKNOWN_HOME
from autus_tui.core.text import clean


class CAFileError(ValueError):
    """The CA bundle cannot be used; the message is one line naming the file."""


def client_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A verifying client context (chain and host name): the bundle, else the system's.

    Raises ``CAFileError`` when the bundle cannot be read or holds no certificate.
    """
    if ca_file is None:
        return ssl.create_default_context()
    shown = clean(ca_file, 200)
    try:
        path = Path(ca_file).expanduser()
        return ssl.create_default_context(cafile=str(path))
    except RuntimeError:  # ~someone that does not exist
        raise CAFileError(f"CA file {shown}: {UNKNOWN_HOME}") from None
    except FileNotFoundError:
        raise CAFileError(f"CA file {shown}: no such file") from None
    except IsADirectoryError:
        raise CAFileError(f"CA file {shown}: is a folder, not a file") from None
    except PermissionError:
        raise CAFileError(f"CA file {shown}: not readable (permission denied)") from None
    except ssl.SSLError:
        raise CAFileError(f"CA file {shown}: holds no PEM certificate") from None
    except OSError as error:
        raise CAFileError(f"CA file {shown}: cannot be read ({error.strerror})") from None
