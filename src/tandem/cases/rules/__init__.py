"""Pure rules of case work: no database, no request."""
