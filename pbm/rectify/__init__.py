"""整改台账 and 回头看: the problems letters sent back for 限期整改, the departments' replies,
and pbm's own re-check of the resubmitted workbooks (``pbm report`` writes the ledger,
``pbm rectify`` updates it)."""
