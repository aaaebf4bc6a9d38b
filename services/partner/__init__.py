"""The partner service: partner grants (events) and the partner feeds derived from the internal topics."""
