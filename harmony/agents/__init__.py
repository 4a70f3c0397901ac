"""Support agents: their accounts and login sessions, for the agent console.

`harmony.agents.models` holds the tables, `harmony.agents.accounts` the functions that use them
(create an agent, check a password, open and check a session). Nothing here commits: the caller
owns the transaction.
"""
