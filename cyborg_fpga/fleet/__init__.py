"""Fleet shell migration: ``cyborg-fpga-manage fleet plan|apply``.

``plan.py`` decides what to load where (pure), ``survey.py`` asks the API
what the fleet runs, ``apply.py`` runs the loads within the concurrency
bounds, ``results.py`` keeps the result file, ``progress.py`` and
``report.py`` tell the operator.
"""
