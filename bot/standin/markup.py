"""Turn formatted text into the plain text a user reads, failing where Telegram fails.

Telegram rejects malformed HTML and unescaped MarkdownV2 characters with "can't parse
entities"; reproducing that catches formatting bugs before they reach real users.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_V2_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((?:\\.|[^)\\])*\)")


class EntityParseError(ValueError):
    """The text does not parse under its parse_mode; the message is Telegram's."""


class _HtmlToText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._line_starts = [0]
        for match in re.finditer("\n", source):
            self._line_starts.append(match.end())
        self.parts: list[str] = []
        self.stack: list[str] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self._source[:index].encode("utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise EntityParseError(
                f'can\'t parse entities: Unsupported start tag "{tag}" '
                f"at byte offset {self._byte_offset()}"
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise EntityParseError(
                f"can't parse entities: Unexpected end tag at byte offset {self._byte_offset()}"
            )
        expected = self.stack.pop()
        if expected != tag:
            raise EntityParseError(
                "can't parse entities: Can't find end tag corresponding to start tag "
                f'"{expected}"'
            )

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_to_text(text: str) -> str:
    parser = _HtmlToText(text)
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise EntityParseError(
            f"can't parse entities: Can't find end tag corresponding to start tag "
            f'"{parser.stack[-1]}"'
        )
    return "".join(parser.parts)


def _markdown_v2_to_text(text: str) -> str:
    text = _V2_LINK.sub(lambda match: match.group(1), text)
    out: list[str] = []
    index = 0
    line_start = True
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            line_start = False
            continue
        if char in "*_~`":
            index += 1
            continue
        if char == "|" and text.startswith("||", index):
            index += 2
            continue
        if char == ">" and line_start:
            index += 1
            continue
        if char in _V2_RESERVED:
            raise EntityParseError(
                f"can't parse entities: Character '{char}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        out.append(char)
        line_start = char == "\n"
        index += 1
    return "".join(out)


def _markdown_to_text(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as displayed, or EntityParseError with Telegram's description."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_to_text(text)
    if mode == "markdownv2":
        return _markdown_v2_to_text(text)
    if mode == "markdown":
        return _markdown_to_text(text)
    return text
