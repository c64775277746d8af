"""China's working-day calendar and deadline arithmetic."""
