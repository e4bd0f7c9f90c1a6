"""Joint random inspection (双随机一公开): inspection items, targets, inspectors, plans, a
reproducible and tamper-evident draw, results and their publication (docs/inspection.md)."""
