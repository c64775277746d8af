"""Commissioned requests (约稿): an upper office asks chosen units for items on a topic by a deadline."""
