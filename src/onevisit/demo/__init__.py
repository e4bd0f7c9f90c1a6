"""Demo data drawn from the 最多跑一次 reform: the service catalogue of one Hangzhou district
(西湖区) and a synthetic population whose records fill the reference registries.

Used by `onevisit demo`, `onevisit simulate`, the benchmarks and the tests.
"""
