"""Words shared by the admins' reports, /stats and the morning report, so both name a top
seller alike."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clipping import clip
from bot.i18n import Translator
from bot.services.reports import TopProduct

# Characters of a title in /stats' lines (top products, ratings, low stock): with titles of
# up to 128 characters, the twenty low-stock lines alone would pass a message's 4,096.
REPORT_TITLE = 48


def top_product_lines(tr: Translator, tops: Sequence[TopProduct]) -> list[str]:
    """ "1. SKU · title: 3 sold, $45.00", titles shortened: /stats and the morning report."""
    return [
        tr.ngettext(
            "{rank}. {sku} · {title}: {count} sold, {revenue}",
            "{rank}. {sku} · {title}: {count} sold, {revenue}",
            top.quantity,
            rank=rank,
            sku=top.sku,
            title=clip(top.title, REPORT_TITLE),
            count=top.quantity,
            revenue=tr.money(top.revenue, top.currency),
        )
        for rank, top in enumerate(tops, 1)
    ]
