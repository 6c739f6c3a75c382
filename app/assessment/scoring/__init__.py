"""Scoring of the motivation interview and the mock interview (issue 3).

`scorer.TranscriptScorer` is the one scorer of both interviews: the rules scorer (`rules.py`, cues of
`cues.yaml` and the rubric's anchor answers) always runs, the model (`model.py`, through the gateway) proposes
levels with verbatim quotes, and `scorer.py` keeps of the proposal only what the transcript supports.
`screening.py` keeps protected topics and attempts to steer the scorer out of scoring, and checks generated
questions (`check_question`). `transcript.py` is the input format; `app.assessment.report` builds the report.

Submodules are imported directly (`from app.assessment.scoring.scorer import TranscriptScorer`): importing
this package stays cheap, so `tremplin score` can reject a bad file before loading the model stack.
"""
