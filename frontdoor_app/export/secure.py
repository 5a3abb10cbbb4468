"""Minutes sent securely: the PDF encrypted with AES-256 (pikepdf / qpdf, PDF 2.0 R6) under a
generated password, shown once to the person sending it (to pass on another way)."""

from __future__ import annotations

import io
import secrets

# No 0/O, 1/l/I: a password read out over the phone or copied from a screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_password(groups: int = 5, size: int = 4) -> str:
    """About 99 bits: five groups of four from 31 characters (e.g. ``k7qm-x3vp-...``)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def encrypt_pdf(data: bytes, password: str) -> bytes:
    """``data`` (a PDF) encrypted with AES-256; it opens only with ``password``."""
    import pikepdf  # only when a copy is encrypted

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        # Owner password: a second random one nobody needs (the copy is read, not edited).
        owner = secrets.token_urlsafe(24)
        pdf.save(
            out,
            encryption=pikepdf.Encryption(user=password, owner=owner, R=6, aes=True),
            fix_metadata_version=True,
        )
    return out.getvalue()
