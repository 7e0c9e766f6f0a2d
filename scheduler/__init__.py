"""Domain model, storage, intake, cut-off, planning and kitchen sheets of Patronage.

Imports only `routing` among the project's packages; no web or queue code lives here.
"""
