"""Tests of interview scoring, the report and the scoring eval."""
