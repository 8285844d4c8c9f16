"""The links between the pages of a list the database does not count in full (the
customer directory, an inbox search): a page knows its number and whether another one
follows, and the templates' Newer/Older links read these properties."""

from __future__ import annotations


class PageLinks:
    """Mixed into a page dataclass that has ``number`` and ``has_next``."""

    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1
