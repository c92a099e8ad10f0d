"""Judging linked reports: reconciled casualty ranges, attribution, grade.

Pure functions over the reports the linker grouped into one incident; each
module has one entry point (``reconcile.reconcile``, ``grade.grade``, ...).
"""
