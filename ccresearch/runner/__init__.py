"""Parameterised notebook runs and HTML reports.

- :mod:`.params`: the parameter schema of a notebook (its ``parameters`` cell, parsed with ``ast``)
- :mod:`.domains`: library checks of parameter values, keyed by parameter name
- :mod:`.execute`: one run (validate -> papermill -> HTML, results.json, run.json), atomic and cached
- :mod:`.export`: the reader's HTML page
- :mod:`.cache`: folder slugs and cache keys
- :mod:`.sweep`: grids of runs in parallel processes or on a Dask cluster; ``ccresearch reports``
- :mod:`.index`: reports/index.html over every run
- :mod:`.cli`: the ``params``, ``run``, ``sweep`` and ``reports`` sub-commands
"""
