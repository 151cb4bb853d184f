"""The `zsie` command line: thin Typer commands over functions of the packages."""
