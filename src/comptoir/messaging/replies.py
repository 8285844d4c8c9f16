"""What staff see of an inbound email: the customer's own words, without the quoted
history and the signature; and the HTML part made safe to show.

Quoted history is found by ``mail-parser-reply`` (attribution lines "On ... wrote:",
"Le ... a écrit :", Outlook's "From:/Sent:" and "De :/Envoyé :" blocks), then by our own
rules where it misses: attribution lines that Gmail wraps over two lines or that Apple
Mail quotes with ">", "-----Original Message-----" separators, a no-break space before
the colon. Signatures are cut only at explicit markers ("-- ", "Sent from my iPhone",
"Envoyé de mon iPhone", "Get Outlook for iOS"): the library's sign-off words
("Thanks", "Cordialement"...) also match the first word of an ordinary sentence and
would drop what the customer wrote after it. The full text is always kept beside.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from mailparser_reply import EmailReplyParser  # type: ignore[import-untyped]

LANGUAGES = ["fr", "en"]

# A no-break space (often before ":" in French), a byte-order mark Apple Mail leaves at
# the start of the quote, zero-width characters.
_INVISIBLE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\ufeff": None, "\u200b": None})

# "On Mon, Nov 30, 2026 at 10:02 AM Name <address> wrote:", "Le lun. 30 nov. 2026 à
# 10:02, Name <address> a écrit :", possibly quoted, possibly wrapped over three lines.
_ATTRIBUTION = re.compile(
    r"^[>\s]*(?:On|Le)\s[^\n]*?\d[^\n]*(?:\n[>\s]*[^\n]*){0,2}?"
    r"(?:wrote|a\s+écrit|a\s+ecrit)\s*:[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_SEPARATORS = re.compile(
    r"^[>\s]*(?:"
    r"-{2,}\s*(?:Original Message|Message d'origine|Forwarded message|Message transféré)\s*-{2,}"
    r"|_{10,}"
    r"|Begin forwarded message:|Début du message réexpédié\s*:"
    r")[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# Outlook's header block: "From:" or "De :" followed within two lines by "Sent:",
# "Envoyé :" or "Date :".
_HEADER_BLOCK = re.compile(
    r"^[>\s*]*(?:From|De)\s*:[^\n]*\n(?:[^\n]*\n){0,2}?[>\s*]*(?:Sent|Envoyé|Date)\s*:",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(?:--[ \t]*"
    r"|(?:Sent from|Sent with|Envoyé de|Envoyé depuis|Envoyé avec)\s[\w .\u2019'&-]{1,40}"
    r"|(?:Get|Obtenir|Télécharger) Outlook (?:for|pour)\s.*"
    r")$",
    re.MULTILINE | re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^\s*>")


def normalise_text(text: str) -> str:
    """Line endings and invisible characters, as mail clients leave them."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)


def strip_reply(text: str) -> str:
    """The customer's new words: quoted history and signature removed. When nothing
    would be left (a forward, a reply written entirely below the quote), the quoted
    lines alone are dropped, or the whole text is returned."""
    text = normalise_text(text)
    if not text.strip():
        return ""
    replies = EmailReplyParser(languages=LANGUAGES).read(text).replies
    # full_body: the library's split at quote headers, without its sign-off-word rule.
    reply = replies[0].full_body if replies else text
    reply = _cut_at_first(reply, (_ATTRIBUTION, _SEPARATORS, _HEADER_BLOCK))
    reply = _cut_at_first(reply, (_SIGNATURE,))
    reply = _drop_outer_quotes(reply).strip()
    if reply:
        return reply
    # Written below or between the quoted lines: keep what is not quoted.
    unquoted = "\n".join(line for line in text.split("\n") if not _QUOTED_LINE.match(line))
    unquoted = _cut_at_first(unquoted, (_ATTRIBUTION, _SEPARATORS, _SIGNATURE)).strip()
    return unquoted or text.strip()


def _cut_at_first(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    cut = len(text)
    for pattern in patterns:
        match = pattern.search(text)
        if match and match.start() < cut:
            cut = match.start()
    return text[:cut]


def _drop_outer_quotes(text: str) -> str:
    """Quoted lines before and after the reply (a reply written below the quote, a
    quote without attribution line); quotes between answers stay, as their context."""
    lines = text.strip().split("\n")
    while lines and (_QUOTED_LINE.match(lines[-1]) or not lines[-1].strip()):
        lines.pop()
    while lines and (_QUOTED_LINE.match(lines[0]) or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines)


# Tags an email may keep: text formatting, lists, tables and links; no images (remote
# images are tracking pixels, inline ones are listed as attachments), no forms, no styles.
_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def sanitise_html(html: str) -> str:
    """The HTML part made safe to show in the dashboard (nh3: no scripts, no event
    handlers, no styles, no images; links open without the referrer)."""
    if not html.strip():
        return ""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote", "hr"}
_SKIPPED_TAGS = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    """Text of an HTML email, quoted parts (blockquote) prefixed with "> " so that
    ``strip_reply`` removes them like the quotes of a plain-text email."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.quote_depth = 0
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self._newline()
        if tag == "blockquote":
            self.quote_depth += 1
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self._newline()
        elif tag in _BLOCK_TAGS - {"br"}:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = re.sub(r"\s+", " ", data)
        if not self.lines[-1]:
            text = text.lstrip()
            if text and self.quote_depth:
                text = "> " * self.quote_depth + text
        self.lines[-1] += text

    def _newline(self) -> None:
        self.lines.append("")


def html_to_text(html: str) -> str:
    """Plain text of an HTML-only email."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "\n".join(line.rstrip() for line in extractor.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
