"""系统管理 → 单位 / 用户 / 角色: the unit tree, user accounts, role grants and clearances, handing work over."""
