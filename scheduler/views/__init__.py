"""Read models: purpose-built queries for what a screen shows, one module per screen.

The write side goes through `scheduler.repositories`; a screen that needs a read no
repository should carry (a day at a glance, counts, a live status) reads through these
modules instead of querying in a page. Like the repositories, every function takes the
municipality id first and the session as the keyword `session`, filters every query by the
municipality, and returns typed records (dataclasses) or plain values, never a query.
"""
