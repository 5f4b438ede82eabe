"""Loopback ftp servers for the tests."""
