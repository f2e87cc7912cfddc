"""The mapping's pages: the public directory and its open data, survey rounds, answers, imports
and the report. Views are thin: they parse, reach records through ``queries``, call one action
and render."""
