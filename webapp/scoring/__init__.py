"""Scoring of information work (考核): versioned scoring tables, 批示 on adopted items, monthly ranking and 通报."""
