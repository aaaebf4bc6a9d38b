"""One module per ``vaxtrail`` subcommand (registered in :data:`vaxtrail_cli.main.COMMANDS`)."""
