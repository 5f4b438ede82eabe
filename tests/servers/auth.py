"""Loopback auth servers for the tests."""
