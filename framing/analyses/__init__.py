"""Analyses that take the feature and match tables: outlet comparison, trends, attention, epithets, prediction."""

