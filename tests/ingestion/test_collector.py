"""The sync's garbage-collector settings apply inside the block and are undone after it, even on error."""

from __future__ import annotations

import gc

import pytest

from ingestion.blueocean.collector import SYNC_GC_THRESHOLDS, bulk_load_collector


def test_thresholds_and_frozen_objects_are_restored_after_an_error():
    before = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    with pytest.raises(RuntimeError), bulk_load_collector():
        assert gc.get_threshold() == SYNC_GC_THRESHOLDS
        assert gc.get_freeze_count() > frozen_before  # what existed is out of the collector's walks
        raise RuntimeError("sync failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen_before


def test_garbage_cycles_made_during_the_sync_are_still_collected():
    class Node:
        pass

    with bulk_load_collector():
        node = Node()
        node.self = node  # a cycle only the collector can free
        collected_before = sum(stats["collected"] for stats in gc.get_stats())
        del node
        gc.collect()
        assert sum(stats["collected"] for stats in gc.get_stats()) > collected_before
