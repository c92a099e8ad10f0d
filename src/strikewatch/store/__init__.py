"""Evidence store: documents, reports, incidents, archive and audit chain."""

from .repo import NewDocument, Problem, Store, StoredDocument, VerifyReport, sha256_hex

__all__ = ["NewDocument", "Problem", "Store", "StoredDocument", "VerifyReport", "sha256_hex"]
