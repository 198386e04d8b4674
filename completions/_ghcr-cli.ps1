
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ghcr-cli' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ghcr-cli'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ghcr-cli' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file, given before the command [default: $XDG_CONFIG_HOME/ghcr-cli/config.toml]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull an image from a registry into the local store')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push a local image to its registry')
            [CompletionResult]::new('tag', 'tag', [CompletionResultType]::ParameterValue, 'Give a local image another (fully qualified) name, or with --remote a registry image another tag')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List the images in the local store')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show an image: kind, digest, platforms, layers and config summary')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Print an image''s manifest digest')
            [CompletionResult]::new('tags', 'tags', [CompletionResultType]::ParameterValue, 'List the tags of a repository')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image from one registry or repository to another, without the local store')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)')
            [CompletionResult]::new('untag', 'untag', [CompletionResultType]::ParameterValue, 'Remove one tag from a registry, keeping the manifest and its other tags')
            [CompletionResult]::new('rmi', 'rmi', [CompletionResultType]::ParameterValue, 'Remove names from the local store (blobs stay until `prune`)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete blobs that no local image uses')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load images from a docker-archive, an oci-archive or an OCI layout directory')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write local images as a docker-archive, an oci-archive or an OCI layout directory')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry; the secret goes to the OS keyring, never to a file')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a registry''s stored login')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the user a registry sees and where the credentials come from')
            [CompletionResult]::new('credential-helper', 'credential-helper', [CompletionResultType]::ParameterValue, 'Answer Docker''s credential-helper protocol (get, store, erase, list) from the keyring')
            [CompletionResult]::new('packages', 'packages', [CompletionResultType]::ParameterValue, 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (one per command) into a directory, or print the main one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ghcr-cli;pull' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'Platform to take from a multi-platform image (OS/ARCH[/VARIANT]) [default: this machine''s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--all-platforms', '--all-platforms', [CompletionResultType]::ParameterName, 'Store the whole multi-platform index with every platform''s image')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;push' {
            [CompletionResult]::new('--chunk-size', '--chunk-size', [CompletionResultType]::ParameterName, 'Upload in chunks of this many bytes (PATCH with Content-Range) instead of one PUT per blob; interrupted chunked uploads resume, also in a later run. ghcr.io takes at most 4 MiB (4194304)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;tag' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Tag the image in its registry instead of the local store: the manifest is put under the new tag in the same repository, and no blob moves')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;images' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;inspect' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'For a multi-platform image: inspect this platform''s image instead of the index')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the manifest exactly as served (or stored), byte for byte')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Print the image''s config blob, byte for byte')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Read the local store instead of the registry')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;digest' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;tags' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Tags per page to ask the registry for')
            [CompletionResult]::new('--page-size', '--page-size', [CompletionResultType]::ParameterName, 'Tags per page to ask the registry for')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Start after this tag')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;copy' {
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'From a multi-platform image, copy this platform only [default: this machine''s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--all-platforms', '--all-platforms', [CompletionResultType]::ParameterName, 'Copy the whole multi-platform index with every platform')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;delete' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Delete without asking, also when other tags point at the same manifest')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Delete without asking, also when other tags point at the same manifest')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be deleted (the manifest and every tag on it), and change nothing')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;untag' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;rmi' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;prune' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;load' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Repository for images the input names only by a tag (or not at all)')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--compress', '--compress', [CompletionResultType]::ParameterName, 'Gzip uncompressed layers (docker-archive layers are plain tars), using every core')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;save' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write [default: stdout]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write [default: stdout]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--platform', '--platform', [CompletionResultType]::ParameterName, 'For a multi-platform image in a docker-archive: the platform to write [default: this machine''s]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;login' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Username (on ghcr.io, your GitHub user)')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Username (on ghcr.io, your GitHub user)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Password or token (visible in the process list and shell history; prefer --password-stdin)')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password or token (visible in the process list and shell history; prefer --password-stdin)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password or token from stdin (trailing newlines are dropped)')
            [CompletionResult]::new('--import-docker', '--import-docker', [CompletionResultType]::ParameterName, 'Copy the logins in Docker''s config.json into the keyring, after checking each')
            [CompletionResult]::new('--remove-plaintext', '--remove-plaintext', [CompletionResultType]::ParameterName, 'With --import-docker: then remove those plaintext entries from config.json (rewritten in one step; no backup is kept, as it would hold the same secrets)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;logout' {
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every login ghcr-cli has stored')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;whoami' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;credential-helper' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;packages' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List container packages with their visibility and last update')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List a package''s versions: id, digest, tags, creation time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the package version an image tag or digest names')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a deleted package version (within GitHub''s 30 days)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ghcr-cli;packages;list' {
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'An organization''s packages [default: your own]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Another user''s packages')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;packages;versions' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ghcr-cli;packages;delete' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;packages;restore' {
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The version id `packages delete` printed')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;packages;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List container packages with their visibility and last update')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List a package''s versions: id, digest, tags, creation time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the package version an image tag or digest names')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a deleted package version (within GitHub''s 30 days)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ghcr-cli;packages;help;list' {
            break
        }
        'ghcr-cli;packages;help;versions' {
            break
        }
        'ghcr-cli;packages;help;delete' {
            break
        }
        'ghcr-cli;packages;help;restore' {
            break
        }
        'ghcr-cli;packages;help;help' {
            break
        }
        'ghcr-cli;completion' {
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Directory to write `ghcr-cli.1` and `ghcr-cli-COMMAND.1` into [default: print `ghcr-cli.1` on stdout]')
            [CompletionResult]::new('--registry', '--registry', [CompletionResultType]::ParameterName, 'Registry for names without a host [default: ghcr.io]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'Extra CA certificate (PEM) to trust, besides the system''s roots')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel blob transfers [default: 16]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries of a failed request or broken transfer, with backoff [default: 5]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Allow plain HTTP and unverified TLS to registries that are not on loopback')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results on stdout; no progress on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'ghcr-cli;help' {
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull an image from a registry into the local store')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Push a local image to its registry')
            [CompletionResult]::new('tag', 'tag', [CompletionResultType]::ParameterValue, 'Give a local image another (fully qualified) name, or with --remote a registry image another tag')
            [CompletionResult]::new('images', 'images', [CompletionResultType]::ParameterValue, 'List the images in the local store')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show an image: kind, digest, platforms, layers and config summary')
            [CompletionResult]::new('digest', 'digest', [CompletionResultType]::ParameterValue, 'Print an image''s manifest digest')
            [CompletionResult]::new('tags', 'tags', [CompletionResultType]::ParameterValue, 'List the tags of a repository')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy an image from one registry or repository to another, without the local store')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)')
            [CompletionResult]::new('untag', 'untag', [CompletionResultType]::ParameterValue, 'Remove one tag from a registry, keeping the manifest and its other tags')
            [CompletionResult]::new('rmi', 'rmi', [CompletionResultType]::ParameterValue, 'Remove names from the local store (blobs stay until `prune`)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete blobs that no local image uses')
            [CompletionResult]::new('load', 'load', [CompletionResultType]::ParameterValue, 'Load images from a docker-archive, an oci-archive or an OCI layout directory')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write local images as a docker-archive, an oci-archive or an OCI layout directory')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in to a registry; the secret goes to the OS keyring, never to a file')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove a registry''s stored login')
            [CompletionResult]::new('whoami', 'whoami', [CompletionResultType]::ParameterValue, 'Show the user a registry sees and where the credentials come from')
            [CompletionResult]::new('credential-helper', 'credential-helper', [CompletionResultType]::ParameterValue, 'Answer Docker''s credential-helper protocol (get, store, erase, list) from the keyring')
            [CompletionResult]::new('packages', 'packages', [CompletionResultType]::ParameterValue, 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (one per command) into a directory, or print the main one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ghcr-cli;help;pull' {
            break
        }
        'ghcr-cli;help;push' {
            break
        }
        'ghcr-cli;help;tag' {
            break
        }
        'ghcr-cli;help;images' {
            break
        }
        'ghcr-cli;help;inspect' {
            break
        }
        'ghcr-cli;help;digest' {
            break
        }
        'ghcr-cli;help;tags' {
            break
        }
        'ghcr-cli;help;copy' {
            break
        }
        'ghcr-cli;help;delete' {
            break
        }
        'ghcr-cli;help;untag' {
            break
        }
        'ghcr-cli;help;rmi' {
            break
        }
        'ghcr-cli;help;prune' {
            break
        }
        'ghcr-cli;help;load' {
            break
        }
        'ghcr-cli;help;save' {
            break
        }
        'ghcr-cli;help;login' {
            break
        }
        'ghcr-cli;help;logout' {
            break
        }
        'ghcr-cli;help;whoami' {
            break
        }
        'ghcr-cli;help;credential-helper' {
            break
        }
        'ghcr-cli;help;packages' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List container packages with their visibility and last update')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List a package''s versions: id, digest, tags, creation time')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete the package version an image tag or digest names')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a deleted package version (within GitHub''s 30 days)')
            break
        }
        'ghcr-cli;help;packages;list' {
            break
        }
        'ghcr-cli;help;packages;versions' {
            break
        }
        'ghcr-cli;help;packages;delete' {
            break
        }
        'ghcr-cli;help;packages;restore' {
            break
        }
        'ghcr-cli;help;completion' {
            break
        }
        'ghcr-cli;help;man' {
            break
        }
        'ghcr-cli;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
