"""Pagination of long dashboard lists without counting every row: a list longer than
``cap`` rows pages through its first ``cap`` (the newest, for the Orders page) and says
so; filters reach the others. Counting a million orders costs more than showing fifty."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

DEFAULT_CAP = 1_000


class CappedPaginator(Paginator):
    """``counted_rows``: the same rows as ``object_list`` in a cheaper form to count,
    e.g. without the joins that only a page's columns need (default: ``object_list``)."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        cap: int | None = None,
        counted_rows: QuerySet[Any] | None = None,
    ):
        super().__init__(object_list, per_page)
        self.rows = object_list if counted_rows is None else counted_rows
        self.cap = DEFAULT_CAP if cap is None else cap

    @cached_property
    def counted(self) -> int:
        """The number of rows, counted up to ``cap + 1``."""
        return self.rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def is_exact(self) -> bool:
        return self.counted <= self.cap
