"""Mail for capture: header parsing and the offline formats (mbox, Maildir, .eml).

Pure formats only; the IMAP client lives apart (`io/mail_server.py`), behind a port.
"""

from kithbook.io.mail.files import MailFile, MailFormat, open_mail
from kithbook.io.mail.headers import parse_headers

__all__ = ["MailFile", "MailFormat", "open_mail", "parse_headers"]
