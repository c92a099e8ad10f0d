"""strikewatch: documents attacks on civilians from open-source reports."""

__version__ = "0.1.0"
