"""The kernel below every package: the clock, errors users can act on, column types, the form registry,
the hooks (signals) packages use to hear of each other, and the declaration of a domain."""
