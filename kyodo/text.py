"""Text clean-up shared by every form and search."""

import re
import unicodedata

# Invisible characters that sneak in when text is pasted from Word or the web.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 control characters and the bidi overrides; tab and newlines are handled apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """Remove zero-width and soft-hyphen characters."""
    return _INVISIBLE.sub("", text)


def has_control_chars(text: str, *, multiline: bool) -> bool:
    """Say whether text holds control characters a person cannot have meant to type."""
    if _CONTROL.search(text):
        return True
    return not multiline and any(ch in text for ch in "\t\r\n")


def normalize_for_search(text: str) -> str:
    """Fold full-width/half-width, case and spacing so that searches match either."""
    folded = unicodedata.normalize("NFKC", strip_invisible(text or "")).casefold()
    return _SPACES.sub(" ", folded).strip()


def search_index(*parts: object) -> str:
    """Join the searchable parts of a record into one normalised string."""
    return "\n".join(normalize_for_search(str(part)) for part in parts if part)
