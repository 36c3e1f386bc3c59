"""Readers that turn corpus files into passages."""
