"""Accounts: users, roles (organiser/adviser memberships, admin), log-in, API tokens."""
