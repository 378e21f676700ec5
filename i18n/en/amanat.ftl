# Amanat's messages in English: the reference every other language is checked against.
# How to add or correct a language: docs/TRANSLATING.md.

## The tour (`amanat tour`)

tour-intro = Amanat tour: a vault for testimonies, on fictional sample data.
tour-where = Everything happens in { $dir } and is deleted at the end.
tour-done = Done. Try it yourself: `amanat init`, then `amanat add --help`.
tour-serve = Without a terminal: `amanat serve` prints an address to open in a browser on this machine, where the vault is unlocked, records added, found and read.
tour-step-create = Create a vault
tour-sealed-keyring = sealed the keyring with the passphrase (scrypt, calibrated: { $seconds } s)
tour-recipient = the vault's age recipient:  { $recipient }
tour-signing-key = its signing key:            { $fingerprint }
tour-step-add = Add three testimonies (Kazakh, Russian, English) and a scanned document
tour-step-list = List (from the encrypted catalog: no public-key operation per record)
tour-step-search = Search in any script, case-insensitively, scans too
tour-found-nothing = nothing
tour-step-show = Show a record: every part with its SHA-256 taken at ingest
tour-part-bytes = { $size } bytes
tour-step-get = Get the scan back, verified against its hash
tour-got-back = wrote { $size } bytes; identical to the original: { $same ->
    [yes] yes
   *[no] NO
}
tour-step-copy = What someone who copies the disk sees
tour-leak = LEAK: { $word } in { $file }
tour-copy-summary = { $files } files, { $bytes } bytes; searched for { $words } words of the samples: { $found } found
tour-step-check = Check: open every part, verify every hash and the audit log
tour-check-summary = { $records ->
    [one] { $records } record
   *[other] { $records } records
}, { $parts ->
    [one] { $parts } part
   *[other] { $parts } parts
}, { $bytes } bytes verified, { $damaged } damaged
tour-audit = audit log: { $events ->
    [one] { $events } event
   *[other] { $events } events
}, each signed and hash-chained: { $intact ->
    [yes] intact
   *[no] BROKEN
}
tour-step-export = Export to a partner: signed, encrypted, redacted
tour-exported = { $records ->
    [one] { $records } record
   *[other] { $records } records
} in one age file of { $bytes } bytes, signed by { $fingerprint }
tour-cleaned = removed EXIF and GPS from { $name }; the pixels are unchanged
tour-pseudonyms = witness codes replaced by pseudonyms for this partner; identity parts left out
tour-timestamped = timestamped first (RFC 3161, by a local test authority running `openssl ts` on 127.0.0.1): the log's first { $events } events, with their signatures, existed at { $time }
tour-token = the bundle carries the token; a key seized later cannot backdate what it covers
tour-no-timestamp = no timestamp: `openssl` is not installed here (with it, the tour timestamps the log; in use, `amanat tsa add` names a real authority)
tour-step-import = The partner verifies and imports it
tour-verified = signature by { $contact } ({ $signer }) and every file's SHA-256 check out
tour-imported-record = { $id }  { $title }  witness { $witness }
tour-custody = chain of custody of { $id }, each event signed and linked to the one before:
tour-existed-by = event { $entry } ({ $kind }) existed by { $time }, as the authority's token proves
tour-existed-by-untrusted = event { $entry } ({ $kind }) existed by { $time }, as the authority's token proves (an authority the partner has not added)
tour-verify-token = without Amanat, a partner checks the token with: openssl ts -verify -token_in -in token.tsr -data statement.txt -CAfile authority-ca.pem (README, "For partners")
tour-other-partners = (the same records have other ids and pseudonyms for any other partner)
tour-without-amanat = a partner without Amanat runs: mkdir b && age -d -i key.txt FILE | tar x -C b, then ssh-keygen -Y verify before anything else
tour-step-collect = A collector in the field hands sealed records to headquarters
tour-collector-sealed = the collector sealed record { $id } to headquarters' key
tour-collector-blind = and cannot read it itself: a collector holds no key that opens what it collected
tour-transfer = transfer bundle written; the record is gone from the collector ({ $left } left)
tour-hq-imported = headquarters imported { $added ->
    [one] { $added } record
   *[other] { $added } records
}, same id { $id }: “{ $title }”, { $parts } parts incl. the sealed identity
tour-step-replica = A lost laptop loses nothing pushed: a replica on Garage
tour-no-garage = Garage is not installed here, so this step only tells what it does: `amanat push` sends the sealed records to the organisation's Garage cluster with a key that can only write; after a seizure, `amanat restore` rebuilds the vault on a new laptop from the replica and a copy of the keyring. Install it with `cargo install garage --version 2.5.0 --locked` (README, "Replicas").
tour-garage-started = started a Garage node at { $endpoint } with an inbox this laptop may only write to
tour-pushed = `amanat push`: { $objects ->
    [one] { $objects } object file
   *[other] { $objects } object files
} and { $kib } KiB of sealed journal; the server holds no name, title or text
tour-restored = the laptop is lost; `amanat restore` on a new one: { $restored } of { $records } records back, check: { $ok ->
    [yes] all verified
   *[no] DAMAGE
}
tour-step-rebuild = A damaged database is recreated from the journal
tour-db-gone = the database is gone, and the vault does not open without it
tour-rebuilt = `amanat rebuild` replayed { $frames } journal frames: { $back } of { $records } records back, check: { $ok ->
    [yes] all verified
   *[no] DAMAGE
}
tour-step-wrong-passphrase = A wrong passphrase opens nothing
tour-refused = refused: { $error }
tour-step-shred = Emergency: shred makes the vault unopenable at once
tour-shredded = keyring overwritten in place and removed in { $ms } ms; what remains is ciphertext
tour-after-shred = even the right passphrase: { $error }
tour-ocr-missing = the scanned letter's text is not recognised here: { $error } (then `amanat ocr --all`)
tour-ocr-recognised = recognised { $source } on this device (Tesseract { $version }, { $languages }): { $characters } characters, sealed as { $name }
tour-ocr-pipes = (images and PDFs are given to Tesseract through pipes: their text never touches the disk unsealed)

## Errors: `amanat: <what went wrong>. <what to do>` (src/cli/errors.rs). A `{ $detail }`
## is the library's own English wording of a detail, not translated yet.

err-no-vault = no vault at { $path }
err-vault-exists = { $path } already exists
err-keyring-missing = keyring not found at { $path }
err-shredded = the keyring at { $path } was destroyed (shred); nothing was written
err-no-keyring-to-shred = no keyring found at { $path }: no keyring was destroyed
err-no-keyring-to-shred-removed = no keyring found at { $path }: no keyring was destroyed (the database and objects were removed)
err-wrong-passphrase = wrong passphrase
err-keyring-damaged = the keyring at { $path } is damaged or is not an Amanat keyring
err-keyring-mismatch = the keyring at { $path } belongs to another vault
err-excessive-work = the keyring demands scrypt work factor { $required }, above the limit of { $limit } on this device
err-rotation-unfinished = a key rotation of this vault was interrupted
err-in-use = the vault is in use by another process
err-unsupported-format = unsupported vault format: { $detail }
err-no-such-record = no record matches { $prefix }
err-ambiguous-id = { $prefix } matches { $count } records
err-no-such-part = record { $id } has no part { $part }
err-input = cannot read { $path }: { $detail }
err-output = cannot write { $path }: { $detail }
err-disk-full = the disk is full
err-damaged = record { $id } is damaged: { $detail }
err-vault-damaged = the vault is damaged: { $detail }
err-database-damaged = the database is damaged: { $detail }
err-bundle-rejected = bundle rejected: { $detail }
err-unknown-signer = the bundle is signed by an unknown key { $key }
err-removed-since = bundle { $bundle } was imported here on { $date } and { $count ->
    [one] { $count } of its records was
   *[other] { $count } of its records were
} removed since: { $ids }
err-missing-tool = { $what } is not installed: install the package { $package }
err-keyring-gone = the keyring at { $path } is gone (destroyed by shred, or its media taken out): the command stopped, keeping what it had finished
err-recognition = text recognition failed: { $detail }
err-restore-unfinished = a restore into { $path } did not finish
err-remote = remote { $remote }: { $detail }
err-too-large = this change would store { $len } bytes as one value in the { $tree } tree, more than the { $max } KiB the vault keeps in one piece; nothing was written

refused-identities-need-custodian = --with-identities needs the identity custodian's key, which is not on this device
refused-image-too-large = image { $image } of record { $record } is too large to clean in memory; export with --keep-metadata to send it as is
refused-image-not-cleanable = cannot clean image { $image } of record { $record } safely ({ $detail }); export with --keep-metadata to send it as is
refused-transfer-needs-collector = transfer bundles are written by collectors: name a partner with --to CONTACT
refused-collector-selection = a collector cannot read tags or witness codes: export --all or record ids
refused-work-factor = --kdf-work-factor must be between 1 and { $max }
refused-collector-needs-recipient = a collector needs at least one --recipient (headquarters' key)
refused-empty-title = a record needs a non-empty --title
refused-metadata-too-long = metadata is { $len } bytes, more than { $max }: put long text in --testimony or an attachment
refused-output-exists = cannot write { $path }: it already exists (pass --force to replace it)
refused-contact-needs-key = a contact needs --recipient (to export to it) or --signing-key (to import from it)
refused-signing-key = invalid --signing-key { $line }: give an `ssh-ed25519 AAAA…` line
refused-strict-stopped = line { $line }: { $detail } (--strict: stopped)
refused-strict-nothing = line { $line }: { $detail } (--strict: nothing was ingested)
refused-manifest-too-large = a bundle of these { $records } records would have a manifest of { $bytes } bytes, more than the { $max } an import reads: export them in several bundles (--tag, --witness or record ids)

hint-no-vault = create one with `amanat init`, or point --vault / AMANAT_VAULT at an existing vault
hint-vault-exists = choose another --vault directory or --keyring path; nothing was changed
hint-keyring-missing = insert the media that holds the keyring, or pass --keyring PATH / AMANAT_KEYRING
hint-shredded = the vault can no longer be opened by anyone
hint-no-keyring-to-shred = if the keyring is kept elsewhere (removable media), run `amanat shred --keyring PATH` with its path; any copy of it still opens the vault
hint-wrong-passphrase = check the passphrase (or the first line of --passphrase-file) and try again; if you are sure of it, the keyring may be damaged: restore it from its backup
hint-keyring-damaged = restore the keyring from your backup copy; without it the vault cannot be opened
hint-keyring-mismatch = pass the keyring that was created with this vault (--keyring PATH)
hint-excessive-work = this keyring may be hostile or from a much faster machine; open it where it was made and run `amanat passwd` with a lower --kdf-work-factor
hint-rotation-unfinished = run `amanat rotate` with the same passphrase to finish it; nothing else opens the vault until then
hint-in-use = wait for the other amanat command to finish, then try again
hint-unsupported-format = use the Amanat version that created this vault or a newer one
hint-no-such-record = list record ids with `amanat list`
hint-ambiguous-id = type more characters of the id
hint-no-such-part = see the record's parts with `amanat show ID`
hint-input = check that the file exists and is readable; nothing was added
hint-output = check the destination path and free space; nothing was written there
hint-cannot-open = open it on a device that holds the right key (headquarters or the identity custodian)
hint-manifest-too-large = nothing was written or logged; export fewer records at a time
hint-invalid = see `amanat help` for the expected form
hint-disk-full = free some space and run the command again; the vault is unchanged
hint-damaged = restore the record from a backup or a partner's copy; other records are unaffected
hint-vault-damaged = run `amanat check` to see what is affected, and restore from a backup
hint-database-damaged = run `amanat rebuild` to recreate the database from the journal (records, catalog, contacts and the custody log), then `amanat check`; if the disk is full, free space first
hint-bundle-rejected = do not trust this file; ask the sender to send it again; nothing was imported
hint-unknown-signer = compare the fingerprint with the sender over another channel, then add them with `amanat contact add NAME --signing-key 'ssh-ed25519 …'` or pass --trust-signer
hint-removed-since = nothing was imported; to bring them back, import it again with --restore-removed
hint-too-large = a record with hundreds of parts or a very long chain of custody can do this: split it over several records; please report it, with the tree named
hint-io = check permissions and free space, then try again
hint-missing-tool = on Debian or Ubuntu: `sudo apt install` that package (or have your administrator do it); the vault is unchanged
hint-keyring-gone = if its media was taken out, put it back and run the command again to finish; after shred nothing opens the vault
hint-recognition = the part keeps no recognised text; try again, or name other languages with --language
hint-restore-unfinished = run the same `amanat restore` again to finish it; nothing else opens the directory until then, so nothing written meanwhile can be lost
hint-remote = check the endpoint, bucket and key (`amanat remote list`), then run the command again: a push or restore goes on where it stopped, and nothing was recorded as sent that was not
hint-other = see `amanat help`

## The command line's help (src/cli/help.rs). The English help of each command and argument
## is its definition's doc comment; another language gives it as `cmd-<path>`,
## `cmd-<path>-long`, `arg-<path>-<argument>` and `arg-<path>-<argument>-long`.

help-usage = Usage
help-commands = Commands
help-options = Options
help-flag = Print help
help-version-flag = Print version
help-subcommand = Print this message or the help of the given command

## Shared words

part-kind = { $kind ->
    [testimony] testimony
    [attachment] attachment
    [identity] identity
   *[recognised] recognised
}

## The web interface (`amanat serve`, src/web/)

serve-ready = Open the address above in a browser on this machine. Whoever has it can use the vault while this runs; it works for this run only. The vault locks itself after { $idle } without use. Stop with Ctrl-C.
web-nav = Main
web-records = Records
web-add = Add a record
web-contacts = Contacts
web-receive = Receive a bundle
web-maintain = Maintain
web-lock = Lock
web-language = Language
web-language-set = Change
web-control-char = a control character, shown rather than obeyed
web-unlock-title = Unlock
web-unlock-heading = Unlock the vault
web-gone-restart = Stop `amanat serve` and run it again.
web-passphrase = Passphrase
web-unlock = Unlock
web-unlock-hint = The vault locks itself after a while without use, and when you press Lock.
web-back-to-records = Back to the records
web-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
web-search = Search
web-tag = Tag
web-witness-code = Witness code
web-since = Interviewed on or after
web-until = Interviewed on or before
web-filter = Filter
web-collector-list = This device is a collector: what it records is sealed to headquarters at once, and it cannot read it back, nor can anyone who seizes it. Transfer the records to headquarters with the command line:
web-share-ticked = Share the ticked records
web-share-no-contact = Add a contact with a public key first:
web-share-with = With
web-share-with-ocr = Include text recognised in scans
web-share-keep-metadata = Keep image metadata (EXIF, GPS): only if the partner needs it
web-share-make = Make the bundle
web-count = { $records ->
    [one] { $records } record
   *[other] { $records } records
}
web-page-of = page { $page } of { $pages }
web-damaged-entries = { $count ->
    [one] { $count } catalog entry did not open: run Check.
   *[other] { $count } catalog entries did not open: run Check.
}
web-col-share = Share
web-col-record = Record
web-col-date = Date
web-col-title = Title
web-col-tags = Tags
web-col-witness = Witness
web-share-one = Share { $title }
web-sealed-size = sealed, { $size }
web-pages = Pages
web-newer = Newer
web-older = Older
web-added = Added
web-field-language = Language
web-field-place = Place
web-field-date = Interview date
web-field-interviewer = Interviewer
web-field-note = Note
web-parts = Parts
web-col-part = Part
web-col-kind = Kind
web-col-size = Size
web-download = Download
web-image-alt = Image: { $name }
web-read = Read
web-ocr-button = Recognise the text of its scans
web-ocr-hint = on this device, with Tesseract; search then finds it
web-custody = Chain of custody
web-by-another-vault = by another vault, signed
web-check-heading = Check the vault
web-check-what = Opens every part and verifies its SHA-256, and verifies the chain of custody and the journal.
web-check-now = Check now
web-audit-link = The audit log, verified
web-emergency = Emergency
web-shred-heading = Shred the vault
web-shred-what = destroys the keyring, so nothing can ever be opened again.
web-check-locked = the vault was locked before the check began
web-check = Check
web-checking = Checking record { $done } of { $total }
web-check-none = No check has run yet.
web-check-ok = Every record verified.
web-check-damage = Damage found: see below.
web-check-summary = { $records ->
    [one] { $records } record
   *[other] { $records } records
}, { $parts ->
    [one] { $parts } part
   *[other] { $parts } parts
}, { $size } checked.
web-damaged-records = Damaged records
web-journal = Journal
web-journal-rewrite = Write the journal again from the database with the command line (README, “Maintain”):
web-custody-broken-at = The chain of custody is broken at event { $seq }
web-stray-objects = { $count ->
    [one] { $count } object file no record refers to.
   *[other] { $count } object files no record refers to.
}
web-audit-verified = Verified: { $events ->
    [one] { $events } event, signed.
   *[other] { $events } events, each signed and chained to the one before.
}
web-audit-newest = The newest { $shown } are shown; this lists all:
web-col-when = When
web-col-what = What
web-shred-words = destroy the keyring
web-shred-warning = This destroys the keyring at once. Nothing in this vault can be opened again, by anyone, with any passphrase. Copies of the keyring elsewhere still open it.
web-shred-type = Type “{ $words }” to confirm
web-shred-all = Also remove the whole vault directory
web-shred = Shred
web-shredded = Shredded
web-shredded-stop = The keyring is destroyed. Stop the web server:
web-no-contacts = No contacts yet.
web-name = Name
web-sealed-to = Bundles sealed to
web-signs-with = Signs with
web-remove = Remove
web-remove-one = Remove { $name }
web-add-contact = Add a contact
web-their-recipient = Their public key (age1… or ssh-ed25519 …), to send them bundles
web-their-signing-key = Their signing key (ssh-ed25519 …), to accept bundles from them
web-add-button = Add
web-choose-contact = choose the contact to share with
web-tick-records = tick the records to share
web-bundle-ready = Bundle ready
web-bundle-summary = { $records ->
    [one] { $records } record
   *[other] { $records } records
}, { $files ->
    [one] { $files } file
   *[other] { $files } files
}, { $size }, sealed to the contact and signed by this vault.
web-bundle-sha256 = SHA-256 of the bundle:
web-metadata-removed = Metadata (EXIF, GPS) removed from:
web-metadata-kept = These files may carry metadata Amanat cannot remove:
web-mentions-witness = These testimonies name their witness code, and go as they are:
web-bundle-download = Download the bundle
web-bundle-once = (once: it is removed from here when downloaded)
web-bundle = Bundle
web-receive-file = The bundle a partner sent (an .age file)
web-verify = Verify
web-receive-hint = It is verified first (its signature and every file in it) and shown; nothing is imported until you say so.
web-one-bundle = send one file, named bundle
web-bundle-partial = the bundle did not arrive whole
web-bundle-verified = Bundle verified
web-bundle-imported = Bundle imported
web-signed-by = Signed by
web-not-a-contact = who is not one of your contacts
web-made-at = made { $time }.
web-imported-before = This bundle was imported here on { $date }.
web-col-custody-events = Custody events
web-already-here = already here
web-events-verified = { $count } verified
web-trust-signer = Trust this signer and add them as a contact
web-restore-removed = { $count ->
    [one] Bring back the record removed here since
   *[other] Bring back the { $count } records removed here since
}
web-import = Import
web-records-added = { $count ->
    [one] { $count } record added.
   *[other] { $count } records added.
}
web-to-records = To the records
web-sealing = Sealing…
web-not-added = Not added:
web-broke-off = the connection to Amanat broke off.
web-bytes-unit = bytes
web-about-record = About the record
web-title-required = Title (required)
web-tags-commas = Tags, separated by commas
web-witness-pseudonym = Witness code (a pseudonym, never a name)
web-testimony = Testimony
web-testimony-type = Type or paste the testimony
web-testimony-file = …or choose its file
web-identity = Who the witness is
web-identity-what = Name and how to reach them: sealed to the identity custodians only, never shown here
web-identity-hint = Records of one witness are linked by the witness code; leave the code empty to have one made.
web-attachments = Attachments
web-attachments-what = Recordings, scans, documents
web-drop = Or drop files here
web-drop-hint = Files are sealed as they arrive; nothing readable is written to the disk.
web-add-noscript = Adding a record needs this page's script (served by Amanat itself, nothing from elsewhere).
web-seal = Seal the record
web-field-too-long = a field is longer than { $kib } KiB
web-add-locked = Not added: the vault was locked. Unlock it and add the record again.
web-upload-cut = the upload ended before its list of files
web-upload-unannounced = the upload sent files it did not announce
web-sealing-stopped = sealing stopped
web-one-testimony = a record has one testimony: type it or choose its file, not both
web-too-many-files = more than { $max } files
web-bad-file-name = a file name the vault cannot keep: { $name }
web-ocr-done = Text recognised
web-ocr-nothing = Nothing new to recognise: { $already } scans had their text already, { $none } held none, { $other } parts are not scans.
web-back-to-record = Back to the record
web-gone-keyring-changed = The keyring was removed or replaced while this server ran (shred): it let go of the vault and wiped its keys.
web-gone-shredded = The vault was shredded: its keyring is destroyed.
web-not-held = the vault is no longer held by this server
web-refused-host = This server answers only to the address `amanat serve` printed.
web-refused-site = A request from another site.
web-refused-origin = A request from another origin.
web-refused-token = This is not the token `amanat serve` printed for this run.
web-refused-used = This address was opened already, and works once. To open the vault in another browser window, stop `amanat serve` and start it again.
web-refused-no-session = Open the address `amanat serve` printed, with its token.
web-refused-csrf = This request lacks the form's token: reload the page and try again.
web-closed = Closed
web-not-found = Not found
web-not-found-what = There is no such record or part in this vault.
web-refused = Refused
web-busy = Busy
web-busy-what = As many uploads and downloads as Amanat runs at once are under way: try again when one has finished.

## Commands' own lines (src/cli/)

cli-weak-work-factor = warning: scrypt work factor { $w } is weak; use it only for tests
cli-created = Created a vault at { $path }
cli-created-keyring = Keyring: { $path } (back it up: without it nothing can be opened)
cli-created-recipient = Recipient: { $recipient }
cli-created-collector = Collector: records are sealed to { $count } recipient(s); this device cannot open them
cli-created-not-custodian = Identity parts are sealed to custodians whose key is not on this device.
cli-created-fingerprint = Signing key fingerprint: { $fingerprint }
cli-witness-assigned = Witness code: { $code } (use it with --witness for this witness's other records)
cli-progress-records = records
cli-line = line { $line }
cli-line-witness = witness code { $code } assigned
cli-line-truncated = testimony longer than { $mib } MiB; search covers its beginning only
cli-ingested = Ingested { $added ->
    [one] { $added } record
   *[other] { $added } records
}; { $failed ->
    [one] { $failed } line
   *[other] { $failed } lines
} failed.
cli-show-field = { $field ->
    [id] id
    [title] title
    [added] added
    [tags] tags
    [witness] witness
    [language] language
    [place] place
    [date] date
    [interviewer] interviewer
    [note] note
    [provenance] provenance
    [parts] parts
   *[custody] custody
}
cli-show-provenance = from { $contact } ({ $signer }), bundle { $bundle }, imported { $time }
cli-bytes = { $n } bytes
cli-show-recognised = recognised in [{ $source }] by { $engine } ({ $languages }, { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}) at { $time }
cli-wrote-part = Wrote { $name } ({ $size } bytes, SHA-256 verified) to { $path }
cli-removed = Removed record { $id }
cli-rm-replicas = note: the replicas of { $remotes } keep what was pushed before, these records included; erasing them there is the custodian's act (README, "Removal and replicas").
cli-checked = Checked { $records ->
    [one] { $records } record
   *[other] { $records } records
}, { $parts } parts, { $bytes } bytes, { $events } audit events: { $damaged } damaged{ $stray ->
    [0] {""}
   *[other] , { $stray } stray object files
}.
cli-check-backdated = warning: { $count } audit events claim a time before a time-stamp token that was already in the log when they were written (backdated, or this device's clock was behind): see `amanat audit --verify`.
cli-check-unpadded = note: { $count } records were sealed before format 3 and keep their exact sizes on disk, which can tie them to a partner's copy: `amanat rotate` re-seals them in size classes.
cli-check-journal = The records are unaffected: `amanat rebuild --journal` rewrites the journal from the database.
cli-check-database = Damage in the database itself (not in object files) may be undone by `amanat rebuild`, which recreates the database from the journal; run `amanat check` again after it.
cli-contact-added = Added contact { $name }
cli-contact-added-key = Added contact { $name } (signing key { $fingerprint })
cli-contact-line = recipients: { $recipients }  signing key: { $fingerprint }
cli-contact-removed = Removed contact { $name }
cli-export-no-tsa = No time-stamp authority is configured: the bundle carries no timestamp (see `amanat tsa add`).
cli-export-tokens = The bundle carries { $count } time-stamp token(s) over its records' custody events.
cli-exported = Exported { $records ->
    [one] { $records } record
   *[other] { $records } records
} ({ $files } files, { $bytes } bytes) to { $path } for { $contact }
cli-bundle-line = Bundle { $id }  sha256:{ $sha256 }
cli-export-pseudonyms = Witness codes were replaced by pseudonyms for this partner; identity parts were left out.
cli-export-cleaned = removed image metadata: { $what }
cli-export-mentions = WARNING: { $what } mentions its witness code in the text, which export does not change
cli-export-not-cleaned = WARNING: { $what } is { $format }, which can carry metadata Amanat does not remove
cli-remote-inbox = the inbox of remote { $remote }
cli-transfer-written = Wrote a transfer bundle of { $records ->
    [one] { $records } sealed record
   *[other] { $records } sealed records
} ({ $bytes } bytes) to { $to }
cli-transfer-removed = Removed those { $records } records from this collector.
cli-verify-new-contact = , a new contact
cli-verify-identities = this bundle says it carries witness identities
cli-verify-parts = { $parts } parts, { $bytes } bytes
cli-verify-present = already here
cli-verify-stamp = custody event { $entry } ({ $kind }, claims { $claimed }) existed by { $time }, as { $authority } signed
cli-verify-untrusted = an authority this vault does not trust: add it with `amanat tsa add` to rely on it
cli-verify-claims-later = WARNING: the event claims a later time than the token proves it existed: the sender's clock was ahead, or the token's time is false
cli-imported-before = This bundle was imported here on { $date }.
cli-imported-before-removed = This bundle was imported here on { $date }; { $count ->
    [one] { $count } of its records was removed since and comes back
   *[other] { $count } of its records were removed since and come back
} only with --restore-removed.
cli-verified = Verified: signature, every file's size and SHA-256, every record's chain of custody{ $stamps ->
    [yes] , every time-stamp token and the events it covers
   *[no] {""}
}. Import would add { $new ->
    [one] { $new } record
   *[other] { $new } records
}.
cli-already-imported = Already imported on { $date }, { $records } records; nothing to do.
cli-imported = Imported { $added ->
    [one] { $added } record
   *[other] { $added } records
}; { $present } were already here.
cli-verify-bundle = bundle { $id }  created { $created }
cli-verify-signed = signed by { $contact } ({ $signer })

## The audit log's events, in words (src/cli/audit.rs)

ev-record = record { $id }
ev-weak = weak passphrase, accepted with --allow-weak-passphrase
ev-collector-created = collector vault created{ $weak }
ev-vault-created = vault created{ $weak }
ev-record-collected = added by { $via } (collected: its parts' sizes and hashes are sealed to headquarters)
ev-record-added = added by { $via } with { $parts } parts, sha256 { $hashes }
ev-part-read = part { $part } ({ $kind }) decrypted
ev-part-read-to = part { $part } { $name } decrypted to { $to }
ev-identity-read = identity of record { $record } decrypted to { $to }
ev-record-removed = removed
ev-record-exported = exported as { $id } in bundle { $bundle }{ $contact }
ev-record-imported = imported from { $from } in bundle { $bundle }{ $contact }
ev-bundle-exported = bundle { $bundle } of { $records } records, sha256 { $sha256 }{ $contact }
ev-bundle-imported = bundle { $bundle } from { $from }{ $contact }: { $added } of { $records } records added
ev-contact-added = contact { $name } added
ev-contact-removed = contact { $name } removed
ev-timestamped = the first { $events } events existed at { $time }, as authority { $tsa } signed (RFC 3161 token)
ev-tsa-added = time-stamp authority { $tsa } added ({ $url })
ev-tsa-removed = time-stamp authority { $tsa } removed
ev-passphrase-changed = passphrase changed{ $weak }
ev-keys-rotated = keys rotated; new signing key { $fingerprint }
ev-record-resealed = re-sealed to the vault's new keys
ev-text-recognised = text of part { $source } recognised by { $engine } ({ $languages }) as part { $part }, sha256 { $sha256 }
ev-duress-set = duress passphrase set{ $weak }
cli-audit-verifies = The audit log verifies: { $events } events, each signed and linked to the one before.
cli-audit-broken = The audit log does not verify: the events before { $seq } are intact; report this and restore the vault from a backup.
cli-proof-event = Event { $seq }
cli-proof-events = Events { $from }-{ $to }
cli-proof-existed = existed at { $time }, proven by the token in event { $stamp }, signed by { $authority }
cli-proof-none = not yet timestamped
cli-proof-flagged = FLAGGED event { $seq }: it claims { $time } but { $why }
cli-proof-flag-why = { $kind ->
    [before] was written after the token of { $time } in event { $stamp }: it was backdated, or this device's clock was more than { $minutes } minutes behind
    [after] is covered by the token of { $time } in event { $stamp }, which proves it existed then: this device's clock was more than { $minutes } minutes ahead, or the token's time is false
   *[other] is a token older than the token of { $time } in event { $stamp } that it covers: one of the two authorities' times is false
}
cli-proof-untrusted = Event { $seq }: a token of { $time } by { $authority }, which leads to no trusted certificate: it proves nothing here
cli-prompt-passphrase = Passphrase
cli-prompt-new = New passphrase
cli-prompt-duress = Duress passphrase
cli-prompt-keyring = Passphrase of the keyring
cli-prompt-restored = New passphrase for the restored vault
cli-same-passphrase = the new passphrase is the same as the old one
cli-duress-same = the duress passphrase must differ from the vault's passphrase: choose another
cli-passphrase-changed = Passphrase changed; the old keyring's bytes were overwritten in place.
cli-duress-dropped = The duress passphrase no longer works: a new work factor re-seals both slots. Set it again with `amanat duress set` if you want one.
cli-shred-no-terminal = shred destroys the keyring for good: pass --yes to confirm without a terminal
cli-shred-confirm = This destroys the keyring: nothing in this vault can be opened again, by anyone. Type SHRED to go on:
cli-shred-kept = Nothing was destroyed.
cli-shredded-all = Shredded: the keyring is destroyed and the vault removed.
cli-shredded = Shredded: the keyring is destroyed; what remains is ciphertext nothing opens.
cli-duress-set = Duress passphrase set. Unlocking with it destroys this vault's keyring and records and opens an empty vault.
cli-rotated = { $resumed ->
    [yes] Resumed and finished the rotation:
   *[no] Keys rotated:
} { $records } records ({ $objects } objects) re-sealed to the new keys; { $resealed } identity parts re-sealed, { $kept } left sealed to custodians not on this device. The old keys are destroyed.
cli-rotated-signing = Give partners the new signing key above: bundles from this vault are now signed with it.
cli-rotated-recipient = Collectors and partners that seal to this vault must use the new recipient above: what is sealed to the old one can no longer be opened here.
cli-rotate-damaged = warning: not re-sealed, damaged: { $what }
cli-journal-rewritten = Rewrote the journal from the database ({ $size } bytes).
cli-journal-damage = warning: journal: { $what }
cli-rebuilt = Rebuilt the database from the journal: { $frames } frames replayed, { $records } records. Run `amanat check` to verify every record.
cli-rotation-pending = A key rotation was interrupted: run `amanat rotate` to finish it.
cli-list-damaged = warning: { $count } catalog entries are damaged and not shown; run `amanat check`
cli-list-collector = This device is a collector: it holds { $count } sealed records it cannot read.
cli-lost-writes = warning: the database holds { $have } audit events but { $written } were written: it lost its newest writes to damage. Run `amanat check`; `amanat rebuild` recreates the database from the journal.
cli-indexed = note: { $count } records were added to the search index, which this version keeps instead of per-record search text (once only).
cli-padded = note: this vault now pads what it seals to size classes (format 3). What it held before keeps its exact sizes on disk, which can tie it to a partner's copy: run `amanat rotate` to re-seal it padded (once only).
cli-journal-was-rewritten = warning: { $why }; it was rewritten from the database. Run `amanat check`.
cli-no-terminal = no terminal to ask for the passphrase: pass --passphrase-file FILE or set AMANAT_PASSPHRASE_FILE
cli-passphrase-unreadable = cannot read the passphrase: { $why }
cli-not-utf8 = { $path } is not UTF-8 text
cli-passphrase-file-empty = the first line of { $path } ({ $flag }) is empty: write the passphrase on it{ $new ->
    [yes] , or run without { $flag } and press Enter at the prompt to have one generated
   *[no] {""}
}; nothing was changed.
cli-passphrase-refused = { $why }; nothing was changed.
cli-passphrase-weak = this passphrase is too weak: zxcvbn estimates { $guesses } to find it{ $feedback }, and at least 10^{ $needed } are needed against offline guessing of a copied keyring. Use a longer passphrase of several random words, press Enter at the prompt to have one generated, or pass { $flag } to accept it (the custody log will say so); nothing was changed.
cli-prompt-generate = { $prompt } (Enter to have one generated):
cli-prompt-repeat = Repeat it:
cli-passphrases-differ = the two passphrases differ; nothing was changed.
cli-generated = A generated passphrase: { $words } words drawn at random from a list of { $list } ({ $bits } bits):
cli-generated-keep = Write it down now and keep it apart from this device: whoever has both can open the vault, and without it nothing in it can be opened. It is shown only this once.
cli-prompt-confirm = Type it to confirm:
cli-generated-mistyped = what was typed is not the generated passphrase; nothing was changed. Run the command again for a new one.
cli-no-tty = cannot write to the terminal: { $why }
cli-idle-not-time = { $value } is not a time: write 10 (minutes), 30s, 10m or 1h
cli-idle-unit = { $value }: the unit is s, m or h
cli-idle-range = the idle lock is between 1 second and 24 hours
cli-ocr-defaults = Default recognition languages: { $languages }.
cli-ocr-name-records = name the records whose scans to recognise, or pass --all
cli-ocr-pages = { $count } pages
cli-ocr-recognised = { $source } → { $name } ({ $languages }, { $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}, { $characters } characters)
cli-ocr-part-failed = record { $record } part { $part }: { $why }
cli-ocr-summary = Recognised { $parts ->
    [one] { $parts } part
   *[other] { $parts } parts
} ({ $pages ->
    [one] { $pages } page
   *[other] { $pages } pages
}) in { $records ->
    [one] { $records } record
   *[other] { $records } records
}; { $already } had text already; { $notscans } not a scan; { $notext } without text; { $failed } failed.
cli-ocr-added-not-recognised = the records were added, but their text was not recognised: { $why }
cli-ocr-later = the records were added, but their text was not recognised: { $why }. To recognise it, { $missing ->
    [yes] on Debian or Ubuntu `sudo apt install` that package, then run
   *[no] run
} `amanat ocr` with their ids.
cli-progress-recognising = recognising
cli-progress-parts = parts
cli-secret-file-empty = the first line of { $path } (--secret-file) is empty: write the secret key on it; nothing was changed.
cli-remote-can-read = warning: this key can read the bucket. On a device that may be seized, use a key that can only write (README, "Replicas"): with this one and the passphrase, every record ever pushed can be read, removed ones included.
cli-remote-unchecked = warning: { $endpoint } could not be checked now ({ $why }); it was added all the same.
cli-remote-added = Added remote { $name } ({ $endpoint } bucket { $bucket }). Push to it with `amanat push { $name }`.
cli-remote-removed = Removed remote { $name }. The replica keeps what was pushed: erasing it there is the custodian's act.
cli-progress = { $verb ->
    [pushing] pushing
    [pulling] pulling
    [checking] checking
    [sweeping] sweeping
   *[restoring] restoring
}
cli-no-remote = this vault has no remote: add one with `amanat remote add NAME --endpoint URL --bucket B --access-key-id ID --secret-file F`
cli-pushed = Pushed to { $name }: { $objects } object files ({ $mib } MiB), { $kib } KiB of journal; the replica holds { $records } records.
cli-up-to-date = { $name } is up to date ({ $records } records).
cli-pulled = Imported { $bundles } bundles ({ $records } new records) from { $name }; { $already } were imported before; { $failed } failed and wait for the next pull.
cli-status-records = { $records } records
cli-status-no-remote = No remote: nothing is replicated (see `amanat remote add --help`).
cli-status-remote = { $name }: last push { $last }; { $missing ->
    [one] { $missing } record
   *[other] { $missing } records
} not yet replicated
cli-status-never = never
cli-replica-checked = { $name }: push of { $time }: { $chunks } journal chunks, { $objects } object files; { $ok ->
    [yes] all present and intact
   *[no] see above
}.
cli-swept = Copied { $objects } objects ({ $mib } MiB) from { $inbox } to { $archive }; { $already } were there already.
cli-restore-needs-keyring = restore needs the vault's keyring: pass --keyring BACKUP (a copy of the lost vault's keyring), or --identity with headquarters' key if the vault escrowed it
cli-ssh-key-encrypted = { $path } is a passphrase-protected or unsupported OpenSSH key: decrypt a copy with `ssh-keygen -p` first
cli-not-identity = { $path } is neither an age identity file nor an OpenSSH private key
cli-restored = Restored { $records } records and { $objects } object files ({ $mib } MiB) from the push of { $time } (one of { $heads }) into { $path }; its keyring is { $keyring }.
cli-restored-ok = check: every record verified.
cli-tsa-cert-unreadable = cannot read the certificate file { $path }: { $why }
cli-tsa-added = Added time-stamp authority { $name } at { $url }, trusting { $subjects }
cli-tsa-line = trusts: { $subjects }
cli-tsa-removed = Removed time-stamp authority { $name }
cli-stamped-already = The custody log is already timestamped: its first { $events } events existed at { $time }.
cli-stamped = Timestamped by { $tsa }: the custody log's first { $events } events existed at { $time } (signed by { $authority }).
cli-stamp-failed = no timestamp from { $tsa }: { $why }
cli-push-line = { $records } records, { $objects } object files, { $kib } KiB of journal
cli-push-ahead = dated ahead of this clock: never taken as the newest
cli-refolded = note: search now finds a name in Kazakh Cyrillic and Latin alike, ı as i and ё as е: the { $count } segments of the search index were written anew for it (once only).
web-shred-or-english = (or “{ $english }”)
