"""The application's resource files, shipped as the package data ``frontdoor_app.resources``
(see ``setup.py`` and ``frontdoor_app/resource_files.py``). No code lives here."""
