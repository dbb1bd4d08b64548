"""The app the outage's deploy migrates: one table that every web request reads."""
