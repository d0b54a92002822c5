"""Turning posting HTML (or plain text) into the clean text the store keeps.

HTML goes through a real parser (html-text on lxml): no tags, no entities left, paragraphs and
list items kept as lines. Plain text is only normalised, so cleaning is idempotent: the text
``postings export`` writes comes back unchanged through ``import``.
"""

from __future__ import annotations

import html
import re

import html_text

# A cap on what one description may hold: real postings are a few thousand characters; text from
# the internet is hostile and a 50 MB "description" must not reach the extractor whole.
MAX_DESCRIPTION_CHARS = 200_000

_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_ESCAPED_TAG = re.compile(r"&lt;\s*/?\s*[a-zA-Z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


def normalize_text(text: str) -> str:
    """Plain text with one space between words, lines kept, at most one blank line in a row."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str | None, *, escaped: bool = False) -> str:
    """Clean text from a posting's HTML.

    ``escaped`` is for boards such as Greenhouse whose HTML arrives entity-escaped
    (``&lt;p&gt;``): it is unescaped once before parsing. Escaped markup is also detected when the
    flag is not given.
    """
    if not markup:
        return ""
    markup = markup[: MAX_DESCRIPTION_CHARS * 4]
    if escaped or _ESCAPED_TAG.search(markup) and "<" not in markup:
        markup = html.unescape(markup)
    if looks_like_html(markup):
        text = html_text.extract_text(markup, guess_layout=True)
    else:
        text = markup
    return normalize_text(text)[:MAX_DESCRIPTION_CHARS]
