"""A real Dovecot IMAP server for capture tests: a throw-away config, user and Maildir in
a temporary folder, listening on free loopback ports (plain and implicit TLS with a
self-signed certificate). Tests that need it skip, saying why, without the binary
(`apt-get install dovecot-imapd`)."""

from __future__ import annotations

import datetime
import imaplib
import mailbox
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "sam@home.example"
PASSWORD = "correct horse battery"


@dataclass
class Dovecot:
    root: Path
    port: int
    tls_port: int
    process: subprocess.Popen[bytes]

    @property
    def maildir(self) -> Path:
        return self.root / "home" / USER / "Maildir"

    def folder(self, name: str | None = None) -> mailbox.Maildir:
        box = mailbox.Maildir(self.maildir, create=True)
        if name is None:
            return box
        try:
            return box.get_folder(name)
        except mailbox.NoSuchMailboxError:
            return box.add_folder(name)

    def stop(self) -> None:
        """The server goes away (a run after this cannot connect)."""
        self.process.terminate()
        self.process.wait(timeout=10)

    def deliver(self, messages: list[bytes], folder: str | None = None) -> None:
        box = self.folder(folder)
        for raw in messages:
            box.add(raw)
        _own(self.root / "home")


def _mail_ids() -> tuple[int, int]:
    """Dovecot never reads mail as root: as root, the mail belongs to its own user."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


def _own(tree: Path) -> None:
    if os.getuid() != 0:
        return
    uid, gid = _mail_ids()
    for path in [tree, *tree.rglob("*")]:
        os.chown(path, uid, gid)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _self_signed(root: Path) -> tuple[Path, Path]:
    """A certificate for "localhost" that no one trusts: for the certificate-error test."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = root / "cert.pem", root / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def _config(root: Path, port: int, tls_port: int) -> Path:
    cert, key = _self_signed(root)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    uid, gid = _mail_ids()
    config = root / "dovecot.conf"
    config.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
""")
    return config


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.skip("no dovecot binary: `apt-get install dovecot-imapd` runs the IMAP tests")
    # Not under pytest's tmp_path: its folders are private to us, and Dovecot reads the
    # mail as its own user when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="kithbook-dovecot-"))
    root.chmod(0o755)
    try:
        with _serving(root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _serving(root: Path) -> Iterator[Dovecot]:
    (root / "home" / USER).mkdir(parents=True)
    port, tls_port = _free_port(), _free_port()
    config = _config(root, port, tls_port)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Dovecot(root, port, tls_port, process)
    server.folder()  # an empty INBOX
    _own(root / "home")
    try:
        deadline = time.monotonic() + 20
        while True:
            # Ready once a login works: the port opens before authentication is up.
            try:
                with imaplib.IMAP4("127.0.0.1", port, timeout=2) as probe:
                    probe.login(USER, PASSWORD)
                break
            except (OSError, imaplib.IMAP4.error):
                if process.poll() is not None or time.monotonic() > deadline:
                    log = root / "dovecot.log"
                    raise RuntimeError("dovecot did not start: "
                                       + (log.read_text() if log.exists() else "no log")
                                       ) from None
                time.sleep(0.1)
        yield server
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Ask a test server to end, and end it if it will not."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
