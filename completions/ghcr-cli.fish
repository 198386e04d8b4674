# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ghcr_cli_global_optspecs
    string join \n config= registry= store= ca-file= insecure j/jobs= retries= q/quiet v/verbose h/help V/version
end

function __fish_ghcr_cli_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ghcr_cli_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ghcr_cli_using_subcommand
    set -l cmd (__fish_ghcr_cli_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l config -d 'Config file, given before the command [default: $XDG_CONFIG_HOME/ghcr-cli/config.toml]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -s V -l version -d 'Print version'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "pull" -d 'Pull an image from a registry into the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "push" -d 'Push a local image to its registry'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "tag" -d 'Give a local image another (fully qualified) name, or with --remote a registry image another tag'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "images" -d 'List the images in the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "inspect" -d 'Show an image: kind, digest, platforms, layers and config summary'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "digest" -d 'Print an image\'s manifest digest'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "tags" -d 'List the tags of a repository'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "copy" -d 'Copy an image from one registry or repository to another, without the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "delete" -d 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "untag" -d 'Remove one tag from a registry, keeping the manifest and its other tags'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "rmi" -d 'Remove names from the local store (blobs stay until `prune`)'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "prune" -d 'Delete blobs that no local image uses'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "load" -d 'Load images from a docker-archive, an oci-archive or an OCI layout directory'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "save" -d 'Write local images as a docker-archive, an oci-archive or an OCI layout directory'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "login" -d 'Log in to a registry; the secret goes to the OS keyring, never to a file'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "logout" -d 'Remove a registry\'s stored login'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "whoami" -d 'Show the user a registry sees and where the credentials come from'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "credential-helper" -d 'Answer Docker\'s credential-helper protocol (get, store, erase, list) from the keyring'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "packages" -d 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "man" -d 'Write the man pages (one per command) into a directory, or print the main one'
complete -c ghcr-cli -n "__fish_ghcr_cli_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l platform -d 'Platform to take from a multi-platform image (OS/ARCH[/VARIANT]) [default: this machine\'s]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l all-platforms -d 'Store the whole multi-platform index with every platform\'s image'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l chunk-size -d 'Upload in chunks of this many bytes (PATCH with Content-Range) instead of one PUT per blob; interrupted chunked uploads resume, also in a later run. ghcr.io takes at most 4 MiB (4194304)' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l remote -d 'Tag the image in its registry instead of the local store: the manifest is put under the new tag in the same repository, and no blob moves'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tag" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand images" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l platform -d 'For a multi-platform image: inspect this platform\'s image instead of the index' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l raw -d 'Print the manifest exactly as served (or stored), byte for byte'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l config -d 'Print the image\'s config blob, byte for byte'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l local -d 'Read the local store instead of the registry'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand digest" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -s n -l page-size -d 'Tags per page to ask the registry for' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l last -d 'Start after this tag' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand tags" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l platform -d 'From a multi-platform image, copy this platform only [default: this machine\'s]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l all-platforms -d 'Copy the whole multi-platform index with every platform'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand copy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -s y -l yes -d 'Delete without asking, also when other tags point at the same manifest'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l dry-run -d 'Print what would be deleted (the manifest and every tag on it), and change nothing'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand delete" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand untag" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand prune" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -s i -l input -d 'docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l name -d 'Repository for images the input names only by a tag (or not at all)' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l compress -d 'Gzip uncompressed layers (docker-archive layers are plain tars), using every core'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand load" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -s o -l output -d 'Where to write [default: stdout]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l format -d 'Output format' -r -f -a "docker-archive\t'`docker save`\'s format, for `docker load`'
oci-archive\t'A tar of an OCI image layout'
oci-dir\t'An OCI image layout directory (needs -o)'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l platform -d 'For a multi-platform image in a docker-archive: the platform to write [default: this machine\'s]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s u -l username -d 'Username (on ghcr.io, your GitHub user)' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s p -l password -d 'Password or token (visible in the process list and shell history; prefer --password-stdin)' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l password-stdin -d 'Read the password or token from stdin (trailing newlines are dropped)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l import-docker -d 'Copy the logins in Docker\'s config.json into the keyring, after checking each'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l remove-plaintext -d 'With --import-docker: then remove those plaintext entries from config.json (rewritten in one step; no backup is kept, as it would hold the same secrets)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand login" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -l all -d 'Remove every login ghcr-cli has stored'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand logout" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand whoami" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand credential-helper" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -f -a "list" -d 'List container packages with their visibility and last update'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -f -a "versions" -d 'List a package\'s versions: id, digest, tags, creation time'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -f -a "delete" -d 'Delete the package version an image tag or digest names'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -f -a "restore" -d 'Restore a deleted package version (within GitHub\'s 30 days)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and not __fish_seen_subcommand_from list versions delete restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l org -d 'An organization\'s packages [default: your own]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l user -d 'Another user\'s packages' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l format -d 'Output format' -r -f -a "text\t'Human-readable text'
json\t'JSON with stable field names'"
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from versions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l id -d 'The version id `packages delete` printed' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from help" -f -a "list" -d 'List container packages with their visibility and last update'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from help" -f -a "versions" -d 'List a package\'s versions: id, digest, tags, creation time'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete the package version an image tag or digest names'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a deleted package version (within GitHub\'s 30 days)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand packages; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand completion" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l dir -d 'Directory to write `ghcr-cli.1` and `ghcr-cli-COMMAND.1` into [default: print `ghcr-cli.1` on stdout]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l registry -d 'Registry for names without a host [default: ghcr.io]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l store -d 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l ca-file -d 'Extra CA certificate (PEM) to trust, besides the system\'s roots' -r -F
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -s j -l jobs -d 'Parallel blob transfers [default: 16]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l retries -d 'Retries of a failed request or broken transfer, with backoff [default: 5]' -r
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -l insecure -d 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -s q -l quiet -d 'Print only results on stdout; no progress on stderr'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -s v -l verbose -d 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand man" -s h -l help -d 'Print help'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "pull" -d 'Pull an image from a registry into the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "push" -d 'Push a local image to its registry'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "tag" -d 'Give a local image another (fully qualified) name, or with --remote a registry image another tag'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "images" -d 'List the images in the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "inspect" -d 'Show an image: kind, digest, platforms, layers and config summary'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "digest" -d 'Print an image\'s manifest digest'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "tags" -d 'List the tags of a repository'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "copy" -d 'Copy an image from one registry or repository to another, without the local store'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "delete" -d 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "untag" -d 'Remove one tag from a registry, keeping the manifest and its other tags'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "rmi" -d 'Remove names from the local store (blobs stay until `prune`)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "prune" -d 'Delete blobs that no local image uses'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "load" -d 'Load images from a docker-archive, an oci-archive or an OCI layout directory'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "save" -d 'Write local images as a docker-archive, an oci-archive or an OCI layout directory'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "login" -d 'Log in to a registry; the secret goes to the OS keyring, never to a file'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "logout" -d 'Remove a registry\'s stored login'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "whoami" -d 'Show the user a registry sees and where the credentials come from'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "credential-helper" -d 'Answer Docker\'s credential-helper protocol (get, store, erase, list) from the keyring'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "packages" -d 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "completion" -d 'Print a shell completion script'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "man" -d 'Write the man pages (one per command) into a directory, or print the main one'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and not __fish_seen_subcommand_from pull push tag images inspect digest tags copy delete untag rmi prune load save login logout whoami credential-helper packages completion man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and __fish_seen_subcommand_from packages" -f -a "list" -d 'List container packages with their visibility and last update'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and __fish_seen_subcommand_from packages" -f -a "versions" -d 'List a package\'s versions: id, digest, tags, creation time'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and __fish_seen_subcommand_from packages" -f -a "delete" -d 'Delete the package version an image tag or digest names'
complete -c ghcr-cli -n "__fish_ghcr_cli_using_subcommand help; and __fish_seen_subcommand_from packages" -f -a "restore" -d 'Restore a deleted package version (within GitHub\'s 30 days)'
