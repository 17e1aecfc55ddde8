"""Alembic environment: runs on a connection handed in by bot.store.migrate, or on a URL."""

from __future__ import annotations

import asyncio
import warnings

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.exc import SAWarning

from bot.store.db import create_engine
from bot.store.migrate import is_model_object
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=is_model_object,
    )
    with context.begin_transaction(), warnings.catch_warnings():
        # SQLite's batch mode reflects the tables it copies and those they point at; products'
        # index on lower(title) (0008) cannot be reflected, and need not be: products is never
        # copied, so the index stays as it is.
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = create_engine(url)  # with the functions the search index's triggers call
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: set sqlalchemy.url or pass a connection")
    asyncio.run(_run_with_url(url))
