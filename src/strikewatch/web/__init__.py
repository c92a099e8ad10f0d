"""The analyst's workbench: REST API and dashboard (``strikewatch serve``)."""
