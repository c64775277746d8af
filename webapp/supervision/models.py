"""No tables of its own: the desk reads instruction_cases, human_tasks and urges."""
