"""The overview's fragment cache, kept in the cache package (:mod:`motcua.cache.fragments`); its names are
re-exported here for the report code."""

from motcua.cache.fragments import CACHE_FORMAT, FragmentCache, fragment_key

__all__ = ["CACHE_FORMAT", "FragmentCache", "fragment_key"]
