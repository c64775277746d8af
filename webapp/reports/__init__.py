"""Information reporting (信息报送): items, their forms and their pages."""
