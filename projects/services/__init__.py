"""Writes and transitions of projects: the record (project), its agreement and consultations
(agreements) and the review workflow (workflow). Import from the module that holds the function."""
