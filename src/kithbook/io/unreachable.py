"""Why a server could not be reached, in one sentence a person can act on.

Mail, calendar and address-book servers fail the same few ways before they say anything
(a certificate that does not verify, a name nobody knows, a refused port); each client
raises its own error with the sentence this gives.
"""

from __future__ import annotations

import socket
import ssl


def reason_sentence(reason: object, host: str) -> str | None:
    """The sentence for `reason` (a `URLError.reason` or an exception in a chain of
    causes) reaching `host`, or None when it is not one of the usual failures."""
    if isinstance(reason, ssl.SSLCertVerificationError):
        return (f"the certificate of {host} could not be verified "
                f"({reason.verify_message or 'untrusted'}); check the address, or ask its "
                "administrator for a valid certificate.")
    if isinstance(reason, socket.gaierror):
        return f"no server is known by the name {host!r}; check the address."
    if isinstance(reason, ConnectionRefusedError):
        return f"{host} refused the connection; check the address and its port."
    return None
