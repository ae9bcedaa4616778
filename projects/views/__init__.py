"""The pages of projects: the record and its steps (project), the agreement and consultations
(agreements), the import of past projects (imports)."""
