"""Organisations (the eight InduCCI partners), their programmes (pilot actions) and venues."""
