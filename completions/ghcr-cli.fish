complete --keep-order --exclusive --command ghcr-cli --arguments "(COMPLETE=fish ghcr-cli -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
