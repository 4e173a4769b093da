"""Progress over time, spaced review of missed points, and short drills."""
