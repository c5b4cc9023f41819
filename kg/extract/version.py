"""The extractor's version, importable without loading the extractor (or spaCy)."""

#: Bump when the output for the same input changes; stored on papers so links rebuild.
EXTRACTOR_VERSION = "1.6.17"
