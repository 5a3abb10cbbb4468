"""Every widget, window and item model; the only package that imports Qt."""
