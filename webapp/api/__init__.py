"""JSON API: the same operations as the pages, answered as JSON."""
