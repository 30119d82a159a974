"""A sample package for coil's real-world tests."""


def add(a, b):
    return a + b
