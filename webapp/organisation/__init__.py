"""Units and users: the organisation the workflows route by, and its administration."""
