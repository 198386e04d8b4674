
use builtin;
use str;

set edit:completion:arg-completer[ghcr-cli] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ghcr-cli'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ghcr-cli'= {
            cand --config 'Config file, given before the command [default: $XDG_CONFIG_HOME/ghcr-cli/config.toml]'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pull 'Pull an image from a registry into the local store'
            cand push 'Push a local image to its registry'
            cand tag 'Give a local image another (fully qualified) name, or with --remote a registry image another tag'
            cand images 'List the images in the local store'
            cand inspect 'Show an image: kind, digest, platforms, layers and config summary'
            cand digest 'Print an image''s manifest digest'
            cand tags 'List the tags of a repository'
            cand copy 'Copy an image from one registry or repository to another, without the local store'
            cand delete 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)'
            cand untag 'Remove one tag from a registry, keeping the manifest and its other tags'
            cand rmi 'Remove names from the local store (blobs stay until `prune`)'
            cand prune 'Delete blobs that no local image uses'
            cand load 'Load images from a docker-archive, an oci-archive or an OCI layout directory'
            cand save 'Write local images as a docker-archive, an oci-archive or an OCI layout directory'
            cand login 'Log in to a registry; the secret goes to the OS keyring, never to a file'
            cand logout 'Remove a registry''s stored login'
            cand whoami 'Show the user a registry sees and where the credentials come from'
            cand credential-helper 'Answer Docker''s credential-helper protocol (get, store, erase, list) from the keyring'
            cand packages 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)'
            cand completion 'Print a shell completion script'
            cand man 'Write the man pages (one per command) into a directory, or print the main one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ghcr-cli;pull'= {
            cand --platform 'Platform to take from a multi-platform image (OS/ARCH[/VARIANT]) [default: this machine''s]'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --all-platforms 'Store the whole multi-platform index with every platform''s image'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;push'= {
            cand --chunk-size 'Upload in chunks of this many bytes (PATCH with Content-Range) instead of one PUT per blob; interrupted chunked uploads resume, also in a later run. ghcr.io takes at most 4 MiB (4194304)'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;tag'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --remote 'Tag the image in its registry instead of the local store: the manifest is put under the new tag in the same repository, and no blob moves'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;images'= {
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;inspect'= {
            cand --platform 'For a multi-platform image: inspect this platform''s image instead of the index'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --raw 'Print the manifest exactly as served (or stored), byte for byte'
            cand --config 'Print the image''s config blob, byte for byte'
            cand --local 'Read the local store instead of the registry'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;digest'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;tags'= {
            cand -n 'Tags per page to ask the registry for'
            cand --page-size 'Tags per page to ask the registry for'
            cand --last 'Start after this tag'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;copy'= {
            cand --platform 'From a multi-platform image, copy this platform only [default: this machine''s]'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --all-platforms 'Copy the whole multi-platform index with every platform'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;delete'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand -y 'Delete without asking, also when other tags point at the same manifest'
            cand --yes 'Delete without asking, also when other tags point at the same manifest'
            cand --dry-run 'Print what would be deleted (the manifest and every tag on it), and change nothing'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;untag'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;rmi'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;prune'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;load'= {
            cand -i 'docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]'
            cand --input 'docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]'
            cand --name 'Repository for images the input names only by a tag (or not at all)'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --compress 'Gzip uncompressed layers (docker-archive layers are plain tars), using every core'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;save'= {
            cand -o 'Where to write [default: stdout]'
            cand --output 'Where to write [default: stdout]'
            cand --format 'Output format'
            cand --platform 'For a multi-platform image in a docker-archive: the platform to write [default: this machine''s]'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;login'= {
            cand -u 'Username (on ghcr.io, your GitHub user)'
            cand --username 'Username (on ghcr.io, your GitHub user)'
            cand -p 'Password or token (visible in the process list and shell history; prefer --password-stdin)'
            cand --password 'Password or token (visible in the process list and shell history; prefer --password-stdin)'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --password-stdin 'Read the password or token from stdin (trailing newlines are dropped)'
            cand --import-docker 'Copy the logins in Docker''s config.json into the keyring, after checking each'
            cand --remove-plaintext 'With --import-docker: then remove those plaintext entries from config.json (rewritten in one step; no backup is kept, as it would hold the same secrets)'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;logout'= {
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --all 'Remove every login ghcr-cli has stored'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;whoami'= {
            cand --format 'Output format'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;credential-helper'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;packages'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List container packages with their visibility and last update'
            cand versions 'List a package''s versions: id, digest, tags, creation time'
            cand delete 'Delete the package version an image tag or digest names'
            cand restore 'Restore a deleted package version (within GitHub''s 30 days)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ghcr-cli;packages;list'= {
            cand --org 'An organization''s packages [default: your own]'
            cand --user 'Another user''s packages'
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;packages;versions'= {
            cand --format 'Output format'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ghcr-cli;packages;delete'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand -y 'Do not ask for confirmation (needed without a terminal)'
            cand --yes 'Do not ask for confirmation (needed without a terminal)'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;packages;restore'= {
            cand --id 'The version id `packages delete` printed'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;packages;help'= {
            cand list 'List container packages with their visibility and last update'
            cand versions 'List a package''s versions: id, digest, tags, creation time'
            cand delete 'Delete the package version an image tag or digest names'
            cand restore 'Restore a deleted package version (within GitHub''s 30 days)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ghcr-cli;packages;help;list'= {
        }
        &'ghcr-cli;packages;help;versions'= {
        }
        &'ghcr-cli;packages;help;delete'= {
        }
        &'ghcr-cli;packages;help;restore'= {
        }
        &'ghcr-cli;packages;help;help'= {
        }
        &'ghcr-cli;completion'= {
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;man'= {
            cand --dir 'Directory to write `ghcr-cli.1` and `ghcr-cli-COMMAND.1` into [default: print `ghcr-cli.1` on stdout]'
            cand --registry 'Registry for names without a host [default: ghcr.io]'
            cand --store 'Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]'
            cand --ca-file 'Extra CA certificate (PEM) to trust, besides the system''s roots'
            cand -j 'Parallel blob transfers [default: 16]'
            cand --jobs 'Parallel blob transfers [default: 16]'
            cand --retries 'Retries of a failed request or broken transfer, with backoff [default: 5]'
            cand --insecure 'Allow plain HTTP and unverified TLS to registries that are not on loopback'
            cand -q 'Print only results on stdout; no progress on stderr'
            cand --quiet 'Print only results on stdout; no progress on stderr'
            cand -v 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand --verbose 'Trace requests on stderr (-v: each request and its status; -vv: headers too, with credentials redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'ghcr-cli;help'= {
            cand pull 'Pull an image from a registry into the local store'
            cand push 'Push a local image to its registry'
            cand tag 'Give a local image another (fully qualified) name, or with --remote a registry image another tag'
            cand images 'List the images in the local store'
            cand inspect 'Show an image: kind, digest, platforms, layers and config summary'
            cand digest 'Print an image''s manifest digest'
            cand tags 'List the tags of a repository'
            cand copy 'Copy an image from one registry or repository to another, without the local store'
            cand delete 'Delete a manifest from its registry, with every tag on it (a tag is resolved first)'
            cand untag 'Remove one tag from a registry, keeping the manifest and its other tags'
            cand rmi 'Remove names from the local store (blobs stay until `prune`)'
            cand prune 'Delete blobs that no local image uses'
            cand load 'Load images from a docker-archive, an oci-archive or an OCI layout directory'
            cand save 'Write local images as a docker-archive, an oci-archive or an OCI layout directory'
            cand login 'Log in to a registry; the secret goes to the OS keyring, never to a file'
            cand logout 'Remove a registry''s stored login'
            cand whoami 'Show the user a registry sees and where the credentials come from'
            cand credential-helper 'Answer Docker''s credential-helper protocol (get, store, erase, list) from the keyring'
            cand packages 'GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)'
            cand completion 'Print a shell completion script'
            cand man 'Write the man pages (one per command) into a directory, or print the main one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ghcr-cli;help;pull'= {
        }
        &'ghcr-cli;help;push'= {
        }
        &'ghcr-cli;help;tag'= {
        }
        &'ghcr-cli;help;images'= {
        }
        &'ghcr-cli;help;inspect'= {
        }
        &'ghcr-cli;help;digest'= {
        }
        &'ghcr-cli;help;tags'= {
        }
        &'ghcr-cli;help;copy'= {
        }
        &'ghcr-cli;help;delete'= {
        }
        &'ghcr-cli;help;untag'= {
        }
        &'ghcr-cli;help;rmi'= {
        }
        &'ghcr-cli;help;prune'= {
        }
        &'ghcr-cli;help;load'= {
        }
        &'ghcr-cli;help;save'= {
        }
        &'ghcr-cli;help;login'= {
        }
        &'ghcr-cli;help;logout'= {
        }
        &'ghcr-cli;help;whoami'= {
        }
        &'ghcr-cli;help;credential-helper'= {
        }
        &'ghcr-cli;help;packages'= {
            cand list 'List container packages with their visibility and last update'
            cand versions 'List a package''s versions: id, digest, tags, creation time'
            cand delete 'Delete the package version an image tag or digest names'
            cand restore 'Restore a deleted package version (within GitHub''s 30 days)'
        }
        &'ghcr-cli;help;packages;list'= {
        }
        &'ghcr-cli;help;packages;versions'= {
        }
        &'ghcr-cli;help;packages;delete'= {
        }
        &'ghcr-cli;help;packages;restore'= {
        }
        &'ghcr-cli;help;completion'= {
        }
        &'ghcr-cli;help;man'= {
        }
        &'ghcr-cli;help;help'= {
        }
    ]
    $completions[$command]
}
