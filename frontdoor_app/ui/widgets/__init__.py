"""Building blocks the features share: the rows model, tables and fields, words, the conflict view."""
