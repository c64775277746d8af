"""Notices (消息提醒): what the system tells a unit's role or one user — reminders, overdue cases, missing calendars."""
