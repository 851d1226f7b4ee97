"""The speed wing's base layer: one key scheme (:mod:`.keys`), one atomic writer (:mod:`.atomic`) and the
caches built on them (:mod:`.shas`, :mod:`.charts`, :mod:`.fragments`, :mod:`.results`).

Every cache here is an optimisation only: an entry is stored under a key that names everything its value
depends on, so an entry read back is the value that would have been computed, and a missing, unreadable or
unwritable entry means "compute it". Nothing in this package knows a stage, a table or a report; the stages
hand it the parts of a key and the bytes to keep.
"""
