"""gift cards the shop sells can be spent in the shop

- gift_cards: one row per code a "giftcode" line issued (code unique, currency, the line's
  unit price as its initial amount, its balance, the order line, voided_at once its order
  was refunded). Codes issued before this revision get their rows here, from
  order_lines.gift_codes of paid, shipped or delivered orders, at the line's unit price.
- carts.gift_card_code: the card the shopper attached to the order summary.
- orders.gift_card_code, orders.gift_card_amount: the card that paid part of the goods and
  how much (0 for every order before).

Revision ID: 0045_gift_cards
Revises: 0044_return_restock
Create Date: 2026-12-04 17:40:00.000000
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0045_gift_cards"
down_revision: str | None = "0044_return_restock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gift_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=14), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("initial_amount", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_gift_cards_balance_not_negative")),
        sa.CheckConstraint(
            "balance <= initial_amount", name=op.f("ck_gift_cards_balance_within_initial")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_gift_cards_order_line_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_cards")),
        sa.UniqueConstraint("code", name=op.f("uq_gift_cards_code")),
    )
    op.create_index(op.f("ix_gift_cards_order_line_id"), "gift_cards", ["order_line_id"])
    op.add_column("carts", sa.Column("gift_card_code", sa.String(length=14), nullable=True))
    op.add_column("orders", sa.Column("gift_card_code", sa.String(length=14), nullable=True))
    op.add_column(
        "orders",
        sa.Column("gift_card_amount", sa.BigInteger(), server_default="0", nullable=False),
    )
    _issue_existing_codes()


def _issue_existing_codes() -> None:
    """Codes delivered before gift cards were spendable: worth their line's unit price."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT l.id, l.unit_price, o.currency, l.gift_codes FROM order_lines l "
            "JOIN orders o ON o.id = l.order_id "
            "WHERE l.gift_codes IS NOT NULL AND o.status IN ('paid', 'shipped', 'delivered')"
        )
    )
    now = datetime.now(UTC)
    cards: dict[str, dict[str, object]] = {}
    for line_id, unit_price, currency, codes in rows:
        for code in json.loads(codes) if isinstance(codes, str) else codes or []:
            cards.setdefault(
                str(code),
                {
                    "code": str(code),
                    "currency": currency,
                    "amount": unit_price,
                    "line": line_id,
                    "now": now,
                },
            )
    if cards:
        conn.execute(
            sa.text(
                "INSERT INTO gift_cards (code, currency, initial_amount, balance, "
                "order_line_id, created_at) VALUES (:code, :currency, :amount, :amount, "
                ":line, :now)"
            ),
            list(cards.values()),
        )


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN gift_card_amount"))
    op.execute(sa.text("ALTER TABLE orders DROP COLUMN gift_card_code"))
    op.execute(sa.text("ALTER TABLE carts DROP COLUMN gift_card_code"))
    op.drop_index(op.f("ix_gift_cards_order_line_id"), table_name="gift_cards")
    op.drop_table("gift_cards")
