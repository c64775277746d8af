"""Leader-instruction cases (领导批示件): registered, assigned, handled and reviewed under deadlines."""
