"""Extraction: a document's text becomes incident reports (spec §2).

Pure and deterministic: no network, no database, no mutable globals.
"""
