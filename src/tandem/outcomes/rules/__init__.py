"""Pure rules of outcome monitoring: instruments and their scoring, the schedule of time
points, and the statistics of the outcome report."""
