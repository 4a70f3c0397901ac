"""The action server's package (rasa-sdk, app environment): every module's actions are registered."""
