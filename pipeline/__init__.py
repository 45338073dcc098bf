"""The extraction pipeline: clean text → spaCy rule components → fact records."""

__version__ = "0.1.0"
EXTRACTOR_NAME = "govkz-press-rules"
