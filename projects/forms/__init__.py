"""The forms of projects: the record and its steps (project), the agreement (agreements)."""
