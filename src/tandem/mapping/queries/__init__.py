"""Reads of the mapping. Every record that is not public is reached through the policy of
``tandem.core`` (its model is a ``ScopedModel``): ``access_*`` fetch one record for a person or
answer 404, ``*_visible_to`` list what a person may see. ``get_*`` read without a permission
check, for actions, the background worker and the command line; no view calls them.

- ``parties``: who runs, answers or reviews survey rounds;
- ``registry``: the programmes, in public and for the people answering for them;
- ``rounds``: survey rounds and their reviewers;
- ``answers``: survey answers, published or waiting for review;
- ``imports``: files uploaded for import;
- ``figures``: what indicators, coverage and the report read from published answers.
"""
