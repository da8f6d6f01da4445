"""What every app may use and nothing else: the shared abstract model and text helpers.

Imports nothing from the project's apps (see README, "Architecture").
"""
