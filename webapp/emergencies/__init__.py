"""Emergency information (紧急信息): timed reports from the event, relays, follow-ups and the record."""
