"""The shop with its inbox switched off, for `python -m benchmarks` only: what the durable
inbox costs is the shop's speed with it against this, measured in the same run.

Without the inbox an update in flight is lost to a crash and a redelivered one is handled
twice (see README "Guarantees"): never run a shop like this.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable
from typing import Any

from bot import cli, inbox


async def _straight_through(self: Any, update: object, coroutine: Awaitable[Any]) -> None:
    await coroutine


async def _not_journaled(self: Any, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return await super(inbox.JournalingRequest, self).do_request(url, method, *args, **kwargs)


def main() -> int:
    inbox.InboxUpdateProcessor._handle = _straight_through  # type: ignore[method-assign]
    inbox.JournalingRequest.do_request = _not_journaled  # type: ignore[method-assign]
    return cli.main(["run"])


if __name__ == "__main__":
    sys.exit(main())
