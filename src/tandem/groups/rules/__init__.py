"""Pure rules of group work: no database, no request."""
