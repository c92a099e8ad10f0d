"""Places: the gazetteer (names to coordinates and admin context) and its build."""

from .gazetteer import Gazetteer, Place, describe_lookup, haversine_km

__all__ = ["Gazetteer", "Place", "describe_lookup", "haversine_km"]
