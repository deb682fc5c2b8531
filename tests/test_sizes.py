from __future__ import annotations

import pytest

from bot.image.settings import SizeBudget
from bot.sizes import parse_size, parse_size_budget


def test_sizes() -> None:
    assert parse_size("50MB") == 50_000_000
    assert parse_size("1.5 GB") == 1_500_000_000
    assert parse_size("300MiB") == 300 * 1024**2
    assert parse_size("512") == 512
    with pytest.raises(ValueError, match="not a size"):
        parse_size("big")


def test_budgets() -> None:
    assert parse_size_budget("+50MB") == SizeBudget(max_growth_bytes=50_000_000)
    assert parse_size_budget("+10%,1GB") == SizeBudget(max_growth_percent=10.0, max_size_bytes=1_000_000_000)
    with pytest.raises(ValueError, match=r"write it as \+10%"):
        parse_size_budget("10%")
    with pytest.raises(ValueError, match="sets no limit"):
        parse_size_budget(" , ")
