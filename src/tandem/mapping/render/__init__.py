"""What the mapping looks like when it leaves Tandem or fills a page: the report, the export of
figures as JSON and CSV, the questionnaire as an XLSForm, and the open data of the directory."""
