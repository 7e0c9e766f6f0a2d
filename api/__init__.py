"""The doors into Patronage: the HTTP API and pages, and the `patronage` command line.

The outermost layer: it may use `workers`, `scheduler` and `routing`; nothing imports it.
"""
