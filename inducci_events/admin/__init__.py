"""Site administration: organisations (partners), their members, and finding users."""
