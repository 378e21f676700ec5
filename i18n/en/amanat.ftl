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
