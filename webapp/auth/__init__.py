"""Users, units, roles and who may see what."""
