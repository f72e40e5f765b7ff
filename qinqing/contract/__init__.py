"""The bulk data exchange contract (v1): table definitions, reading, validation, import and export."""
