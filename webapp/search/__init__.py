"""One search box over items, cases and emergencies (number, title, text), scoped exactly like their lists."""
