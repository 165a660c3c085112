"""Grids (网格): slices of a community, the people who look after them, and their visits."""
