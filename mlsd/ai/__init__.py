"""The optional AI layer: a judge and an interviewer on any model the user has set up for `llm`."""
