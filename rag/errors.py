"""Exceptions a user can see, each with a message that says what to do.

    SelvhjelpError
    ├── ConfigError          bad setting (unknown backend, missing extra, bad URL)
    ├── CorpusError          a corpus file that cannot be read or parsed
    ├── IndexMissingError    no index yet: run `selvhjelp ingest`
    ├── IndexMismatchError   index built with another embedding model: re-ingest
    ├── StoreUnavailableError  the Chroma server cannot be reached
    ├── InputError           a question or request that cannot be served as given
    └── LLMError             the optional LLM endpoint failed (callers fall back)
"""


class SelvhjelpError(Exception):
    """Base class: its message is meant for a person, without a stack trace."""


class ConfigError(SelvhjelpError):
    pass


class CorpusError(SelvhjelpError):
    pass


class IndexMissingError(SelvhjelpError):
    pass


class IndexMismatchError(SelvhjelpError):
    pass


class StoreUnavailableError(SelvhjelpError):
    pass


class InputError(SelvhjelpError):
    pass


class LLMError(SelvhjelpError):
    pass
