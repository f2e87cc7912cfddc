"""Business events of the mapping, one function each, each written to the audit log in the same
transaction as the change it records. Each takes the person acting (``acting_user``) and, from a
web page, the ``AuditContext`` of her request; never an HTTP request.

- ``answers``: an answer's way from draft to publication;
- ``review``: the review work of a submitted answer;
- ``rounds``: setting up a round and its reviewers;
- ``registry``: programmes and their delivery locations;
- ``questionnaires``: the questionnaire versions shipped with Tandem;
- ``imports``: importing a file of answers;
- ``exports``: reports, figures and forms that leave Tandem, put on the record.
"""
