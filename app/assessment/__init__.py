"""Candidate assessment: the adaptive prerequisite quiz (`app.assessment.quiz`) and what builds on it."""
