"""The suite's own order (tests/conftest.py): the longest tests are handed out first, so
the two processes of a run end together."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.conftest import LONGEST_FIRST, PROJECT_ROOT, pytest_collection_modifyitems


def test_the_longest_tests_go_first_in_their_order_and_the_rest_keep_theirs() -> None:
    crash, big = (f"{LONGEST_FIRST[0]}::test_one", f"{LONGEST_FIRST[1]}::test_two")
    quick = ["tests/unit/test_money.py::test_b", "tests/unit/test_money.py::test_a"]
    items: list[Any] = [SimpleNamespace(nodeid=i) for i in [quick[0], big, crash, quick[1]]]
    pytest_collection_modifyitems(items)
    assert [item.nodeid for item in items] == [crash, big, *quick]


def test_each_longest_test_named_is_still_there() -> None:
    """A test renamed would quietly go back to its place in the list."""
    for start in LONGEST_FIRST:
        path, _, test = start.partition("::")
        assert (PROJECT_ROOT / path).is_file(), start
        assert f"def {test}" in (PROJECT_ROOT / path).read_text(), start
