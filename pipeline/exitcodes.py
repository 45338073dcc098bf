"""Exit codes of every ``govkz`` command (documented in the README)."""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3  # some items or entities failed; everything else was written
EXIT_LOCKED = 4  # another run holds the corpus lock
EXIT_CONFIG = 5  # the configuration file is missing or invalid

DEFAULT_CORPUS_DIR = "corpus/data"
