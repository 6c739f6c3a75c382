"""`tremplin eval run scoring`: the rules scorer against the hand-labelled golden set (see run.py)."""
