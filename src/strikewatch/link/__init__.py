"""Linking: reports of the same event become one incident."""
