"""What a referent reviews and decides on: the report page, the shortlist page, their exports and human decisions."""
