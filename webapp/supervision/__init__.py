"""The supervision office's desk (督查室): every open instruction case at a glance, urging, the leader view."""
