"""Loopback proxy servers for the tests."""
