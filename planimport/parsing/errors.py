"""The one error type the importer raises for input it cannot use."""


class PlanImportError(Exception):
    """Bad input, with a Chinese message for the person who uploaded it.

    ``code`` is stable and machine-readable (a form or API maps it to a field or a
    status); ``message_zh`` says what was found and what to do about it.
    """

    EMPTY = "empty_file"
    TOO_LARGE = "file_too_large"
    LEGACY_DOC = "legacy_doc"
    BINARY = "binary_file"
    IMAGE = "image_file"
    IMAGE_ONLY_PDF = "image_only_pdf"
    UNSUPPORTED = "unsupported_format"
    CORRUPT = "corrupt_file"
    ENCODING_AMBIGUOUS = "encoding_ambiguous"
    ENCODING_UNKNOWN = "encoding_unknown"
    NO_STRUCTURE = "no_structure"

    def __init__(self, message_zh: str, code: str):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.code = code

    def __repr__(self) -> str:
        return f"PlanImportError(code={self.code!r}, message_zh={self.message_zh!r})"
