"""Unit tests of the allocation service (pure domain, codec)."""
