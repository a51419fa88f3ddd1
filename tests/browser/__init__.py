"""Tests in a real browser: the live server, the page list, the accessibility scan, keyboard and reflow checks."""
