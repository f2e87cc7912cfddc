"""Reports to the court or probation service that referred a man.

A report says what the programme knows of *him*: who he is, how he was referred, where his case
stands and how it got there, his absences, and the programme's assessment in its own words. It
is built only from the perpetrator-facing view of the case (``view.PerpetratorView``, read by
``queries.get_perpetrator_view``), which reads the programme compartment and nothing else: no
module of this package imports the survivor side, and a test walks their imports to prove it.
What the partner said, where she lives, her safety signals and the programme's safety notes can
therefore never reach a court through a report, whoever writes it.

Which events make a report due, of which kind and by when, is data (``rules.py`` reads
``report_rules.json``), one set of rules per referral route.
"""
