"""The model stage's result cache, kept in the cache package (:mod:`motcua.cache.results`); its names are
re-exported here for the model code."""

from motcua.cache.results import ResultCache, pack_columns, unpack_columns

__all__ = ["ResultCache", "pack_columns", "unpack_columns"]
