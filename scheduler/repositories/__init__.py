"""Repositories: every read and write of the domain tables goes through these functions.

One module per area (`tenancy`, `fleet`, `clients`, `care`). Each function takes the
municipality id first and the session as the keyword `session`, filters every query by the
municipality, and never commits: the caller's `session_scope` decides the transaction, so an
import or a route can write many rows and still write nothing when one of them is refused.

Writes validate before they touch the session and raise `InvalidInputError` (fields and
messages) or `NotFoundError` (a row, or a referenced row, that is not in this municipality).
Upserts match on `external_id` and return the row with a `Change`, so that running the same
import twice can report, and cause, no change.
"""
