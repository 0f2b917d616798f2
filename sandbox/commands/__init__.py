"""One module per ``sandbox`` sub-command (see ``sandbox.cli``)."""
