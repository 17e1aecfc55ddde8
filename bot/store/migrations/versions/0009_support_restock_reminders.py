"""support threads, back-in-stock subscriptions and cart reminders

- support_threads / support_messages / support_relays: /support conversations, their
  messages in order with how each was delivered, and the admins' copies of questions
  (replying to one answers its thread);
- restock_subscriptions: shoppers waiting for a sold-out product, one row per shopper and
  product;
- carts.changed_at / carts.reminded_for and customers.cart_reminders: one reminder per cart
  change, never to a shopper who turned them off. Existing carts get no changed_at, so they
  are not reminded of until their shopper changes them again.

Revision ID: 0009_support_restock_reminders
Revises: 0008
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_support_restock_reminders"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cart_reminders", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reminded_for", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "support_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("sending_claim", sa.String(length=32), nullable=True),
        sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_support_threads_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_support_threads_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_threads")),
    )
    op.create_index(
        "ix_support_threads_customer_status", "support_threads", ["customer_id", "status"]
    )

    op.create_table(
        "support_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("photo_file_id", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["support_threads.id"],
            name=op.f("fk_support_messages_thread_id_support_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_messages")),
    )
    op.create_index(
        op.f("ix_support_messages_thread_id"), "support_messages", ["thread_id"], unique=False
    )
    op.create_index("ix_support_messages_delivery", "support_messages", ["delivery", "thread_id"])

    op.create_table(
        "support_relays",
        sa.Column("admin_chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["support_threads.id"],
            name=op.f("fk_support_relays_thread_id_support_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("admin_chat_id", "message_id", name=op.f("pk_support_relays")),
    )
    op.create_index(
        op.f("ix_support_relays_thread_id"), "support_relays", ["thread_id"], unique=False
    )

    op.create_table(
        "restock_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_restock_subscriptions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_restock_subscriptions_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restock_subscriptions")),
        sa.UniqueConstraint("customer_id", "product_id", name="uq_restock_subscriptions_customer"),
    )
    op.create_index(
        op.f("ix_restock_subscriptions_product_id"),
        "restock_subscriptions",
        ["product_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_restock_subscriptions_product_id"), table_name="restock_subscriptions")
    op.drop_table("restock_subscriptions")
    op.drop_index(op.f("ix_support_relays_thread_id"), table_name="support_relays")
    op.drop_table("support_relays")
    op.drop_index("ix_support_messages_delivery", table_name="support_messages")
    op.drop_index(op.f("ix_support_messages_thread_id"), table_name="support_messages")
    op.drop_table("support_messages")
    op.drop_index("ix_support_threads_customer_status", table_name="support_threads")
    op.drop_table("support_threads")
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("reminded_for")
        batch_op.drop_column("changed_at")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("cart_reminders")
