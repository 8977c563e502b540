"""The SQL database: engine, schema migrations, models and repositories."""
