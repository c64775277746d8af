"""The task inbox of each user and the generic task page."""
