"""The days the admins' morning report was sent for: the claim that makes it once a day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import DailyReport


class DailyReportRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def claimed(self, day: date) -> bool:
        """The report for `day` was claimed (sent, or lost to a crash): one primary-key read,
        the usual answer of the job's every run after the first of the day."""
        found = await self.session.scalar(
            select(DailyReport.report_date).where(DailyReport.report_date == day)
        )
        return found is not None

    async def claim(self, day: date, at: datetime) -> bool:
        """Take the report for `day`: True for the one caller whose row went in (INSERT ... ON
        CONFLICT DO NOTHING on the primary key), False for every other worker or run."""
        return await self._write(
            insert_or_ignore(self.session, DailyReport).values(report_date=day, claimed_at=at)
        )
