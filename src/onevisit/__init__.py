"""onevisit — run public services the 最多跑一次 way."""
