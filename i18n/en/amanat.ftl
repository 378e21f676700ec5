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
tour-csv = it also carries import.csv, the records' metadata in the shape Uwazi imports (pseudonyms, no identity); `amanat ingest` reads the same shape
tour-timestamped = timestamped first (RFC 3161, by a local test authority running `openssl ts` on 127.0.0.1): the log's first { $events } events, with their signatures, existed at { $time }
tour-token = the bundle carries the token; a key seized later cannot backdate what it covers
tour-no-timestamp = no timestamp: `openssl` is not installed here (with it, the tour timestamps the log; in use, `amanat tsa add` names a real authority)
tour-case = record { $id } described: its victim V-A4N9 (the witness's parent), detained in 2019, the testifier's consent to share it with this partner, and a verification (corroborated), each logged in its chain of custody
tour-consent-archive = record { $id }: its testifier agreed to keeping it in the archive only
tour-consent-refused = sending every "detention" record is refused, and nothing is written: { $error }
tour-step-import = The partner verifies and imports it
tour-verified = signature by { $contact } ({ $signer }) and every file's SHA-256 check out
tour-imported-record = { $id }  { $title }  witness { $witness }
tour-custody = chain of custody of { $id }, each event signed and linked to the one before:
tour-existed-by = event { $entry } ({ $kind }) existed by { $time }, as the authority's token proves
tour-existed-by-untrusted = event { $entry } ({ $kind }) existed by { $time }, as the authority's token proves (an authority the partner has not added)
tour-verify-token = without Amanat, a partner checks the token with: openssl ts -verify -token_in -in token.tsr -data statement.txt -CAfile authority-ca.pem (README, "For partners")
tour-other-partners = (the same records have other ids and pseudonyms for any other partner)
tour-without-amanat = a partner without Amanat runs: mkdir b && age -d -i key.txt FILE | tar xz -C b, then ssh-keygen -Y verify before anything else
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
## is one of the details below ("Details of errors and reports").

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
err-unsupported-format = unsupported format: { $detail }
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
refused-consent = the testifier's consent does not cover { $contact } for { $count ->
    [one] one record
   *[other] { $count } records
  }: { $records }. Nothing was exported. Record consent that covers it (amanat consent set), leave these records out, or export with --override-consent REASON (logged in each record's chain of custody)
refused-manifest-too-large = a bundle of these { $records } records would have a manifest of { $bytes } bytes, more than the { $max } an import reads: export them in several bundles (--tag, --witness or record ids)


## Refusals as the library words them, naming no flag (the web interface); the command line
## words them with its flags (`refused-*`).
refusal-identities-need-custodian = identity parts can only be exported where the identity custodian's key is, and it is not on this device
refusal-image-too-large = image { $image } of record { $record } is too large to clean in memory; export it with its metadata kept to send it as is
refusal-image-not-cleanable = cannot clean image { $image } of record { $record } safely ({ $detail }); export it with its metadata kept to send it as is
refusal-transfer-needs-collector = transfer bundles are written by collectors: name a partner to export to
refusal-collector-selection = a collector cannot read tags or witness codes: export all records or name them by id
refusal-work-factor = the scrypt work factor must be between 1 and { $max }
refusal-collector-needs-recipient = a collector needs at least one recipient (headquarters' key)
refusal-metadata-too-long = metadata is { $len } bytes, more than { $max }: put long text in the testimony or an attachment
refusal-empty-title = a record needs a non-empty title
refusal-output-exists = cannot write { $path }: it already exists
refusal-manifest-too-large = a bundle of these { $records } records would have a manifest of { $bytes } bytes, more than the { $max } an import reads: export them in several bundles (by tag, by witness code or by id)
refusal-contact-needs-key = a contact needs a recipient (to export to it) or a signing key (to import from it)
refusal-signing-key = invalid signing key { $line }: give an `ssh-ed25519 AAAA…` line
refusal-strict-stopped = line { $line }: { $detail } (strict: stopped)
refusal-strict-nothing = line { $line }: { $detail } (strict: nothing was ingested)
refusal-consent = the testifier's consent does not cover { $contact } for { $count ->
    [one] one record
   *[other] { $count } records
  }: { $records }. Nothing was exported.

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
hint-unsupported-format = use the Amanat version that wrote it, or a newer one
hint-no-such-record = list record ids with `amanat list`
hint-ambiguous-id = type more characters of the id
hint-no-such-part = see the record's parts with `amanat show ID`
hint-input = check that the file exists and is readable; nothing was added
hint-output = check the destination path and free space; nothing was written there
hint-cannot-open = open it on a device that holds the right key (headquarters or the identity custodian)
hint-manifest-too-large = nothing was written or logged; export fewer records at a time
hint-consent = `amanat show ID` shows each record's consent
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
web-share-csv = Include the records' metadata as import.csv, for Uwazi (identities never in it)
web-consent-unrecorded = { $count ->
    [one] One record went without any consent recorded.
   *[other] { $count } records went without any consent recorded.
}
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
web-mentions-field = These fields hold a code of their record inside a longer word, and go as they are:
web-mentions-witness = These parts name a code of their record (the witness's or a person's) in their file name or text, and go as they are:
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
web-consent = The testifier's consent
web-consent-scope = What it allows (export refuses what it does not cover)
web-consent-none = Not recorded
web-consent-share-with = With "share": the contacts it may go to
web-consent-share-with-typed = With "share": the organisations it may go to, as headquarters names them, separated by commas
web-consent-how = How it was given
web-consent-date = When it was given
web-consent-by = Code of who recorded it
web-consent-bad = The consent fields hold a value the form does not offer.
web-consent-share = Consent "share" needs at least one contact ticked, and only "share" takes any.
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
web-field-not-utf8 = a field is not UTF-8 text
web-files-malformed = the list of files is malformed: { $why }
web-unknown-field = an unknown field { $field }
web-unknown-kind = a file of unknown kind { $kind }
web-testimony-first = the testimony's file comes first
web-request-stopped = the request stopped
web-locked-meanwhile = the vault was locked
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
    [persons] persons
    [relation] relation
    [consent] consent
    [verification] verification
    [timeline] timeline
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
cli-check-unpadded = note: { $count ->
    [one] one record was
   *[other] { $count } records were
} sealed before format 3 and keep their exact sizes on disk, which can tie them to a partner's copy: `amanat rotate` re-seals them in size classes.
cli-check-journal = The records are unaffected: `amanat rebuild --journal` rewrites the journal from the database.
cli-check-database = Damage in the database itself (not in object files) may be undone by `amanat rebuild`, which recreates the database from the journal; run `amanat check` again after it.
cli-contact-added = Added contact { $name }
cli-contact-added-key = Added contact { $name } (signing key { $fingerprint })
cli-contact-line = recipients: { $recipients }  signing key: { $fingerprint }
cli-contact-removed = Removed contact { $name }
cli-export-no-tsa = No time-stamp authority is configured: the bundle carries no timestamp (see `amanat tsa add`).
cli-export-tokens = The bundle carries { $count ->
    [one] one time-stamp token
   *[other] { $count } time-stamp tokens
} over its records' custody events.
cli-exported = Exported { $records ->
    [one] { $records } record
   *[other] { $records } records
} ({ $files } files, { $bytes } bytes) to { $path } for { $contact }
cli-bundle-line = Bundle { $id }  sha256:{ $sha256 }
cli-export-pseudonyms = Witness codes were replaced by pseudonyms for this partner; identity parts were left out.
cli-export-pseudonyms-identities = Witness codes were replaced by pseudonyms for this partner; identity parts were included (--with-identities).
cli-export-cleaned = removed image metadata: { $what }
cli-export-mentions-field = WARNING: { $what } holds a code of its record inside a longer word (as V-7 in V-7_2018), which export does not change: rewrite it to send no code
cli-export-mentions = WARNING: { $what } names a code of its record (the witness's or a person's) in its file name or text, which export does not change
cli-export-not-cleaned = WARNING: { $what } is { $format }, which can carry metadata Amanat does not remove
cli-remote-inbox = the inbox of remote { $remote }
cli-transfer-written = Wrote a transfer bundle of { $records ->
    [one] { $records } sealed record
   *[other] { $records } sealed records
} ({ $bytes } bytes) to { $to }
cli-transfer-removed = Removed { $records ->
    [one] that record
   *[other] those { $records } records
} from this collector.
cli-verify-new-contact = , a new contact
cli-verify-identities = this bundle says it carries witness identities
cli-verify-csv = it carries import.csv, the records' metadata for Uwazi, which says what the records say
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
cli-already-imported = Already imported on { $date }, { $records ->
    [one] one record
   *[other] { $records } records
}; nothing to do.
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
ev-record-described = { $what } recorded
ev-verification-set = verification set: { $level }
ev-consent-overridden = sent although its consent ({ $scope }) does not cover contact { $contact }; reason given: { $reason }
ev-consent-withdrawn = consent withdrawn; { $erased ->
    [yes] the record is erased
   *[no] the record is kept in the archive only
  }
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
} { $records ->
    [one] one record
   *[other] { $records } records
} ({ $objects } objects) re-sealed to the new keys; { $resealed } identity parts re-sealed, { $kept } left sealed to custodians not on this device. The old keys are destroyed.
cli-rotated-signing = Give partners the new signing key above: bundles from this vault are now signed with it.
cli-rotated-recipient = Collectors and partners that seal to this vault must use the new recipient above: what is sealed to the old one can no longer be opened here.
cli-rotate-damaged = warning: not re-sealed, damaged: { $what }
cli-journal-rewritten = Rewrote the journal from the database ({ $size } bytes).
cli-journal-damage = warning: journal: { $what }
cli-rebuilt = Rebuilt the database from the journal: { $frames } frames replayed, { $records } records. Run `amanat check` to verify every record.
cli-rotation-pending = A key rotation was interrupted: run `amanat rotate` to finish it.
cli-list-damaged = warning: { $count } catalog entries are damaged and not shown; run `amanat check`
cli-list-collector = This device is a collector: it holds { $count ->
    [one] one sealed record
   *[other] { $count } sealed records
} it cannot read.
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
cli-export-what = say what to export: --all, --tag T, --witness W or record ids
cli-export-remove-after = --remove-after is for collectors handing records to headquarters
cli-export-remote = --remote sends a collector's transfer bundle to headquarters' inbox; to send a partner's bundle, write it with -o FILE
cli-export-to = name the partner with --to CONTACT (see `amanat contact list`)
cli-export-collector-flags = a collector writes only transfer bundles for its own recipients: drop --to, --with-identities, --keep-metadata and --with-ocr
cli-export-csv-transfer = --csv is for a partner's bundle: a collector's transfer bundle carries sealed records, which headquarters imports whole
cli-identity-of-form = --identity-of takes CODE=FILE (a person's code, then the file saying who they are), not { $value }
cli-not-utf8-text = { $path } is not UTF-8 text
cli-collector-no-ocr = a collector cannot recognise text (--ocr): it keeps nothing it can read; headquarters recognises it after import
cli-no-home = no home directory: pass --vault DIR
cli-certificates = { $path }: { $why }
cli-broken-why = it { $why }
cli-parse-error = error: { $what }
cli-parse-unknown-argument = unexpected argument { $arg } found
cli-parse-unknown-subcommand = unrecognized subcommand { $name }
cli-parse-missing = the following required arguments were not provided: { $args }
cli-parse-missing-subcommand = { $name } requires a subcommand, one of: { $values }
cli-parse-value-missing = a value is required for { $arg } but none was supplied
cli-parse-invalid-value = invalid value { $value } for { $arg }
cli-parse-invalid-value-of = invalid value { $value } for { $arg } (possible values: { $values })
cli-parse-validation = invalid value { $value } for { $arg }: { $why }
cli-parse-twice = the argument { $arg } cannot be used more than once
cli-parse-conflict = the argument { $arg } cannot be used with { $other }
cli-parse-no-equals = an equal sign is needed when giving a value to { $arg }
cli-parse-too-many = unexpected value { $value } for { $arg }; no more were expected
cli-parse-wrong-number = { $arg } takes { $expected } values, and { $actual } were given
cli-parse-utf8 = an argument is not valid UTF-8
cli-parse-tip = tip: a similar one exists: { $similar }
cli-parse-tip-dash = tip: to pass { $value } as a value, put -- before it
cli-parse-more = For more information, try --help.
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

## Details of errors and reports (`words!` in src/): why input is invalid, why a bundle was
## rejected, what in a record or the vault is damaged. They follow an error's frame
## (`record … is damaged: { $detail }`) or stand alone; `{ $why }` is what another program or
## the system said, as it said it.

err-io = { $context }: { $why }
d-io-not-found = no such file
d-io-permission = permission denied
d-io-other = { $why }
d-reading = reading { $path }
d-writing = writing { $path }
d-removing = removing { $path }
d-creating = creating { $path }
d-syncing = syncing { $path }
d-opening = opening { $path }
d-reading-journal = reading the journal
d-writing-journal = writing the journal
d-reading-object = reading an object
d-writing-object = writing an object
d-bundle-truncated = the bundle is truncated or was altered ({ $why })
d-bundle-too-large = { $what } is too large
d-bundle-name-not-utf8 = a file name in the bundle is not UTF-8
d-bundle-not-regular = { $path } is not a regular file ({ $kind }): links and devices are refused
d-bundle-signed-by-other = it is signed by { $signer }, not by { $name } ({ $expected })
d-contact-no-signing-key = contact { $name } has no signing key: add one with `amanat contact add`
d-bundle-not-listed = { $path } is not listed in the manifest
d-bundle-twice = { $path } appears twice
d-bundle-bad-size = { $path } has a bad size
d-bundle-size-differs = { $path } is { $size } bytes, the manifest says { $want }
d-bundle-sha-differs = { $path } does not match its SHA-256 in the manifest
d-bundle-part-absent = record { $id }: part { $part } was not in the bundle
d-bundle-record-why = record { $id }: { $why }
d-bundle-bad-created = record { $id } has a bad creation time
d-bundle-ends-before = the bundle ends before { $what }
d-bundle-first-not-manifest = the first file is not MANIFEST.json
d-bundle-second-not-sig = the second file is not MANIFEST.json.sig
d-bundle-sig-not-text = the signature is not text
d-bundle-sig-bad = the manifest's signature: { $why }
d-bundle-event = record { $id }: custody event { $event } { $why }
d-bundle-chain-end = record { $id }: its chain of custody does not end with the sender exporting it in this bundle
d-bundle-part-unrecorded = record { $id }: a part (SHA-256 { $sha256 }…) is not one its chain of custody records
d-event-not-exact = is not in the exact form Amanat writes (a field added, missing, reordered or re-spelled)
d-event-kind = is of a kind no record's chain holds ({ $kind })
d-event-no-details = has no details
d-event-sealed-not-base64 = has sealed parts that are not base64
d-event-details = does not carry exactly the details of a { $kind } event
d-event-time = has no valid time
d-event-hash = names a hash that is not 64 lower-case hex digits
d-event-record = names its record other than by 32 lower-case hex digits
d-event-id = has a { $key } that is not 32 lower-case hex digits
d-event-parts = lists parts without their SHA-256 in lower-case hex
d-event-recognised = names its recognised part or its source other than as Amanat writes them
d-event-from = names its sender other than by a key fingerprint
d-bundle-not-age = it is not an age file, or its header is damaged
d-bundle-not-for-us = it is not encrypted to this vault's key
d-bundle-header = its header does not authenticate
d-bundle-sender-differs = the manifest names a different sender than the key that signed it
d-bundle-missing = { $path } is missing: the bundle is incomplete
d-stamp-token = time-stamp token { $token } does not verify: { $why }
d-stamp-other-key = a time-stamp of record { $id } is of the log of a key that did not hold the record
d-stamp-not-under = custody event { $event } of record { $id } is not under the time-stamp that claims it
d-part-not-decrypt = part { $part } does not decrypt
d-part-sha-differs = part { $part } does not match its SHA-256 from ingest
d-catalog-entry-damaged = its catalog entry is damaged; run `amanat check`
d-cannot-encrypt-to = cannot encrypt to { $name }: { $why }
d-collector-cannot-export = this device is a collector: it cannot read records to export them for a partner
d-contact-no-recipient = contact { $name } has no recipient to encrypt to: add one with `amanat contact add`
d-reading-part = reading a part
d-jpeg-no-soi = no start-of-image marker
d-jpeg-no-eoi = the image data has no end-of-image marker
d-jpeg-no-marker = no segment marker at byte { $at }
d-jpeg-ends-inside = the file ends inside the segment at byte { $at }
d-jpeg-segment-past-end = the segment at byte { $at } runs past the end of the file
d-jpeg-segment-size = the segment { $marker } at byte { $at } is { $size } bytes, which its structure does not account for
d-jpeg-unknown-marker = unknown marker { $marker } at byte { $at }; it is not known to be image data
d-png-truncated = the chunk at byte { $at } is truncated
d-png-past-end = the chunk at byte { $at } runs past the end of the file
d-png-type = the chunk at byte { $at } has no valid type
d-png-unknown-critical = unknown critical chunk { $name } at byte { $at }; it is not known to be image data
d-png-chunk-size = the { $name } chunk at byte { $at } is { $size } bytes, more than its fields
d-png-no-iend = no IEND chunk
d-image-appended-jpeg = an appended JPEG at byte { $at } does not parse: { $why }
d-image-trailing = { $size } bytes of unrecognised data after the { $image } image ends, at byte { $at }
d-tiff-bigtiff-64-bit-offsets = BigTIFF (64-bit offsets) is not cleaned
d-tiff-tiff-header = no TIFF header
d-tiff-tiff-header-truncated = the TIFF header is truncated
d-tiff-tiff-holds-image-ifd = the TIFF holds no image (no IFD)
d-tiff-holds-only-reduced-resolution = it holds only reduced-resolution pages (thumbnails)
d-tiff-pages-share-values-would = its pages share values that would make the cleaned copy too large
d-tiff-size-samples-planar-configuration = its size, samples or planar configuration is invalid
d-tiff-bitspersample-does-match-samplesperpixel = BitsPerSample does not match SamplesPerPixel
d-tiff-bitspersample-out-range = BitsPerSample is out of range
d-tiff-has-colormap-but-palette = it has a ColorMap but is not a palette image
d-tiff-has-both-strips-tiles = it has both strips and tiles
d-tiff-tile-size-zero = its tile size is zero
d-tiff-jpegtables-jpeg-tables-stream = JPEGTables is not a JPEG tables stream without metadata
d-tiff-file-ends-inside-ifd = the file ends inside the IFD data at byte { $at }
d-tiff-ifd-byte-runs-past = the IFD at byte { $off } runs past the end of the file
d-tiff-value-tag-ifd-byte = the value of tag { $tag } in the IFD at byte { $off } runs past the end of the file
d-tiff-ifd-chain-has-loop = the IFD chain has a loop back to byte { $next }
d-tiff-tag-single-integer = tag { $tag } is not a single integer
d-tiff-tag-2 = no tag { $tag }
d-tiff-compression-known-hold-only = compression { $compression } is not known to hold only pixels
d-tiff-runs-past-end-file = { $what } runs past the end of the file
d-tiff-holds-bytes-more-bytes = { $what } holds { $len } bytes, more than its { $max } bytes of pixels
d-tiff-exactly-packbits-data-for = { $what } is not exactly PackBits data for its rows (bytes after it, or short)
d-tiff-jpeg-stream-without-metadata = { $what } is not a JPEG stream without metadata (APPn, COM or trailing data)
d-webp-riff-header-truncated = the RIFF header is truncated
d-webp-first-chunk-byte-vp8 = the first chunk at byte { $at } is not VP8, VP8L or VP8X
d-webp-vp8x-chunk-byte-too = the VP8X chunk at byte { $at } is too short
d-webp-anmf-chunk-byte-too = the ANMF chunk at byte { $at } is too short
d-webp-animation-frame-byte = in the animation frame at byte { $at }: { $e }
d-webp-chunk-byte-truncated = the chunk at byte { $pos } is truncated
d-webp-chunk-byte-has-valid = the chunk at byte { $pos } has no valid type
d-webp-chunk-byte-runs-past = the chunk at byte { $pos } runs past its container
d-tiff-ifd-entries = the IFD at byte { $off } has { $n } entries, more than { $max }
d-tiff-pages = more than { $max } IFDs (pages)
d-tiff-tag-twice = tag { $tag } appears twice
d-tiff-tag-type = tag { $tag } has an unexpected type or count
d-tiff-no-regions = no { $tag }
d-tiff-region-count = { $tags } list { $offsets }/{ $counts } { $kind }s where the image has { $n }
d-tiff-other-data = other data
d-tiff-value-of-tag = the value of tag { $tag } of page { $page }
d-tiff-tile = tile { $tile } of page { $page }
d-tiff-strip = strip { $strip } of page { $page }
d-tiff-overlaps = { $what } overlaps { $other } at byte { $at }
d-transfer-do-parse = do not parse
d-transfer-already-exists = it already exists
d-transfer-parts-ones-chain-custody = its parts are not the ones its chain of custody records
d-transfer-says-was-imported-from = it says it was imported from a bundle, which a collector never does
d-transfer-holds-recognised-text-which = it holds recognised text, which a collector never makes
d-transfer-cannot-encrypt-collector-s = cannot encrypt to the collector's recipients: { $e }
d-transfer-part-any-record = { $path } is not part of any record
d-transfer-comes-before-record-s = { $path } comes before its record's body
d-transfer-named-record = { $path } is not named by its record
d-transfer-sealed-object = { $path } is not a sealed object
d-transfer-sealed-this-vault-s = { $path } is not sealed to this vault's key
d-transfer-does-decrypt = { $path } does not decrypt ({ $reason })
d-transfer-does-match-sha-256 = { $path } does not match the SHA-256 taken at collection
d-transfer-recorded-parts = its recorded parts { $why }
d-transfer-metadata-what-record-may = its metadata is not what a record may hold ({ $e })
d-transfer-holds-too-many-parts = it holds too many parts ({ $e })
d-transfer-object-missing = one of its objects is missing or unreadable
d-transfer-object-changed = an object changed while it was exported
d-transfer-not-for-us = record { $id } is not sealed to this vault's key: the collector was set up for other recipients
d-record-not-open = record { $id } does not open
d-record-not-decode = record { $id } does not decode
d-transfer-no-body = record { $id } has no body
d-transfer-missing-object = record { $id } is missing an object
d-transfer-unsafe-name = a part has an unsafe name { $name }
d-transfer-two-parts = two parts are named { $name }
d-transfer-part-differs = part { $name } is not the size and SHA-256 it states
d-transfer-facts-base64 = are not valid base64
d-transfer-facts-keys = cannot be read: { $why }
d-transfer-facts-not-open = do not open with this vault's key
d-s3-denied = the server refused the credentials ({ $why })
d-s3-no-bucket = the server has no bucket { $bucket }
d-s3-unreachable = the endpoint could not be reached ({ $why })
d-s3-full = the server is out of space ({ $why })
d-s3-server = the server answered { $why }
d-s3-not-url = { $url } is not a URL
d-s3-not-http = { $url } is not an http:// or https:// URL
d-s3-bucket = bucket { $bucket }: { $why }
d-s3-local = { $what }: { $why }
d-s3-reading-from = reading { $name } from { $endpoint }: { $why }
d-s3-too-long = { $name } is longer than the { $limit } bytes it should be
d-s3-listing-parse = a listing that does not parse ({ $why })
d-s3-listing-utf8 = a listed name that is not UTF-8: { $name }
d-s3-listing-repeats = a listing that repeats its continuation token
d-s3-listing-long = a listing of more than { $max } objects
d-s3-timeout = { $endpoint } did not answer in time
d-s3-refused = { $endpoint } refused the connection
d-s3-no-host = { $endpoint }: no such host
d-s3-transport = { $endpoint }: { $why }
d-s3-said = { $said }
d-s3-said-on = { $said } on { $name }
d-pull-gone = it was gone before it was read
d-pull-reading = reading a pulled bundle
d-name-not-bytes = its bytes are not what its name says
d-restore-no-push = no push { $push } of this vault opens with this keyring
d-restore-no-push-any = the replica holds no push of this vault that opens with this keyring
d-restore-no-escrow = no keyring escrowed by the device whose signing key is { $fingerprint } opens with this key
d-restore-escrow-no-push = no push { $push } opens with the escrowed keyring
d-restore-escrow-no-push-any = an escrowed keyring opens with this key, but no push of its vault opens with it
d-restore-chunks = more than { $max } chunks of this push's journal are missing or damaged: restore an earlier push (see the list of pushes)
d-sweep-gone = gone from the inbox before it was copied
d-sweep-spooling = spooling: { $why }
d-sweep-not-name = not a name Amanat writes
d-sweep-differs = differs from the archive's copy, which is kept
d-ocr-tesseract = tesseract
d-ocr-poppler = pdfinfo and pdftoppm (to read PDF pages)
d-ocr-data-for = Tesseract's data for { $languages }
d-ocr-no-version = tesseract did not say which version it is
d-ocr-pages = the PDF has { $pages } pages, more than the { $max } recognised at once: split it
d-ocr-stopped = the run was stopped
d-ocr-page-large = page { $page } of the PDF is too large to render ({ $width } × { $height } points)
d-ocr-no-page = the PDF has no page that pdfinfo reads
d-ocr-unknown-language = unknown language { $language }: name kk, ru, ug, zh or en (or a Tesseract language such as ara)
d-ocr-no-language = name at least one language
d-ocr-start = cannot start { $program }: { $why }
d-ocr-timeout = { $program } took longer than { $seconds } seconds and was stopped
d-ocr-waiting = waiting for { $program }
d-ocr-failed = { $program } failed ({ $status })
d-ocr-failed-said = { $program } failed ({ $status }): { $said }
d-ocr-reading = reading from { $program }
d-ocr-too-much = { $program } wrote more than { $mib } MiB
d-web-not-loopback = { $address } is not a loopback address: the web interface is for this machine only (127.0.0.1 or ::1)
d-web-starting = starting the web server
d-web-listening-on = listening on { $address }
d-web-listening = listening
d-web-serving = serving
d-jpeg-ends-in-marker = the file ends inside a marker
d-tiff-page = page { $page } (the IFD at byte { $at }): { $why }
d-webp-riff-size = the RIFF size does not match the file
d-reading-record = reading a record
d-parts-body-no-stanza = no recipient stanza of its body opens with this vault's key
d-parts-record-not-ours = record { $record } is not sealed to this vault's key
d-parts-passphrase-stanza = unexpected passphrase stanza
d-parts-not-authentic = part { $part } does not authenticate ({ $why })
d-parts-identity-sha256 = the sealed identity does not match its SHA-256
d-parts-identity-not-custodian = the identity part is sealed to the identity custodians, and this device does not hold their key
d-parts-identity-key-absent = the identity part is sealed to custodians whose key is not on this device
d-parts-identity-does-not-open = the sealed identity does not open: { $why }
d-parts-identity-get-only = identity parts are opened only with `get ID identity`
d-parts-object-missing = the object holding { $part } is missing
d-parts-damaged-header = part { $part } has a damaged header
d-parts-does-not-open = part { $part } does not open
d-remote-name = a remote needs a name of 1 to 100 printable characters
d-remote-bucket = { $bucket } is not a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit
d-remote-region = { $region } is not a region name
d-remote-access-key = a remote needs an access key id of printable characters
d-remote-secret = the secret key is empty or holds spaces or control characters
d-remote-timeout = the timeout must be between 1 and 3600 seconds
d-remote-endpoint-not-url = the endpoint { $endpoint } is not a URL: give http(s)://HOST:PORT
d-remote-endpoint-not-http = the endpoint { $endpoint } is not an http:// or https:// URL: give http(s)://HOST:PORT
d-remote-endpoint-user = the endpoint holds a user name or password: give http(s)://HOST:PORT, and the key's id and secret apart
d-remote-endpoint-path = the endpoint { $endpoint } has a path, query or fragment: give http(s)://HOST:PORT
d-remote-clearing-state = clearing the replicas' state
d-remote-entry-decode = a remote entry does not decode
d-remote-entry-key = a remote entry has a malformed key
d-remote-none = no remote named { $name }
d-remote-exists = a remote named { $name } exists: remove it first
d-remote-reading-state = reading the replica's state
d-remote-creating-dir = creating replicas/
d-remote-no-escrow-recipient = this vault seals to no other recipient (headquarters' key) to escrow its keyring to
d-remote-journal-no-header = the journal has no header
d-rotate-damaged = { $record }: { $what }
d-rotate-catalog-open = its catalog entry does not open
d-rotate-catalog-decode = its catalog entry does not decode
d-rotate-body-open = its body does not open: { $why }
d-rotate-object-missing = object of { $part } is missing
d-rotate-object-damaged = object of { $part } is damaged
d-rotate-object-open = object of { $part } does not open
d-rotate-object-authenticate = object of { $part } does not authenticate
d-rotate-identity-open = its sealed identity does not open
d-contact-name = invalid contact name { $name }
d-contact-authenticate = a contact entry does not authenticate
d-contact-decode = a contact entry does not decode
d-contact-version = unknown contact entry version
d-contact-entry-authenticate = an entry of the contacts tree does not authenticate
d-contact-none = no contact named { $name }: see `amanat contact list`
d-contact-exists = a contact named { $name } exists: remove it first
d-stamp-name = invalid authority name { $name }: give a short name without control characters
d-stamp-url = { $url } is not an http:// or https:// address of a time-stamp authority
d-stamp-entry-authenticate = a contact or authority entry does not authenticate
d-stamp-entry-decode = an authority entry does not decode
d-stamp-timeout = the timeout must be between 1 and 600 seconds
d-stamp-certificate = the certificate file of { $name }: { $why }; give the authority's certificate or its CA's, PEM or DER
d-stamp-exists = an authority named { $name } exists: remove it first (amanat tsa remove)
d-stamp-none = no authority named { $name }: see `amanat tsa list`
d-stamp-malformed = audit event { $seq } is a malformed time-stamp
d-stamp-none-at = no authority named { $name } or at that address: see `amanat tsa list`
d-stamp-none-configured = no time-stamp authority is configured: add one with `amanat tsa add`
d-stamp-log-changed = the custody log changed while the time-stamp authorities were asked: run the command again
d-stamp-before-newest = its token says { $time }, more than { $minutes } minutes before the newest token already in the log ({ $newest }): its clock or its key is false
d-stamp-after-clock = its token says { $time }, more than { $minutes } minutes after this device's clock ({ $now }): its clock or its key is false, or this device's clock is behind; fix the clock or remove the authority
d-stamp-no-answer = it did not answer within { $seconds } s
d-stamp-unreachable = it could not be reached ({ $why })
d-stamp-http = it answered HTTP { $status }
d-stamp-unreadable = its answer could not be read ({ $why })
d-stamp-untrusted = its token is signed by { $authority }, which is not, and is not issued by, a certificate given for it ({ $subjects })
d-add-no-file-name = { $path } has no file name
d-add-is-directory = is a directory
d-add-identity-name = a part may not be named { $name }: "identity", and "identity-" followed by a code the record names, are kept for identity parts; rename the file
d-add-same-name = two parts are named { $name }: rename one so each can be fetched by name
d-add-identity-of = { $code } is not a person this record names besides its witness, or is given two identities: name the person with --person CODE:ROLE first (the witness's identity is --identity)
d-add-identity-too-large = the identity is larger than { $kib } KiB: keep it to who the witness is and how to reach them
d-add-encoding-facts = encoding part facts: { $why }
d-add-description-too-large = this record's description (parts, names, metadata) is { $kib } KiB sealed, more than the { $max } KiB a record may have where it is made, so that every vault it is sent to can keep it: use fewer parts (put files in an archive), shorter file names or a shorter note
d-read-catalog-key = a catalog key is malformed
d-read-empty-query = the search query is empty
d-read-collector-search = this device is a collector: it cannot search what it collected
d-read-search-text = search text does not authenticate
d-read-is-directory = it is a directory
d-check-stopped = the check was stopped
d-check-catalog-orphan = catalog entry without a record
d-check-imported = what this vault remembers of an imported bundle does not open
d-check-record-key = malformed record key
d-check-catalog-damaged = catalog entry missing or damaged
d-check-search-text = its search text does not authenticate
d-check-and = { $first }; { $next }
d-index-segment-damaged = search index segment { $segment } is damaged: `amanat check` shows what else is, `amanat rebuild` restores the database from its journal
d-index-pointer = the pointer to the open search index segment does not authenticate
d-index-segment-authenticate = this search index segment does not authenticate
d-index-listed-twice = listed twice in the search index
d-index-not-in-vault = this search index segment lists { $record }, which is not in the vault
d-index-missing = it is missing from the search index, so search cannot find it
d-custody-event-parse = a custody event does not parse
d-custody-event-missing = its custody event { $seq } is missing
d-custody-chain-missing = its chain of custody is missing
d-custody-foreign-chain = its chain of custody from other vaults: { $why }
d-custody-event-damaged = its custody event { $seq } is missing or damaged
d-custody-head-stale = its custody record does not name its newest event
d-custody-audit-parse = an audit event does not parse
d-custody-encoding = encoding an audit event: { $why }
d-custody-audit-authenticate = audit event { $seq } does not authenticate
d-custody-record-authenticate = its custody record does not authenticate
d-custody-record-decode = its custody record does not decode
d-custody-audit-event-parse = audit event { $seq } does not parse
d-custody-lost-writes-up-to = is missing, with every event after it up to { $last }: the database lost its newest writes (the head file beside it records { $written } events); records added or changed by them may be missing, so restore from a backup
d-custody-lost-writes = is missing: the database lost its newest writes (the head file beside it records { $written } events); records added or changed by them may be missing, so restore from a backup
d-custody-log-key = a log key is malformed
d-custody-log-jumps = is missing (the log jumps to event { $seq })
d-custody-log-authenticate = does not authenticate: it was altered or damaged
d-custody-log-parse = does not parse
d-custody-log-no-signer = names no valid signer
d-custody-log-wrong-signer = is signed by a key that did not hold the vault
d-custody-log-signature = has a signature that does not verify: it was altered
d-custody-log-prev = does not follow the event before it: an event was removed, reordered or replayed
d-custody-log-not-creation = is not this vault's creation
d-custody-log-created-again = claims to create the vault again: it was replayed
d-custody-log-private = has private details that do not match it
d-custody-log-handover = hands over to a new key without that key's signature
d-custody-log-time = has a time that is not RFC 3339
d-custody-log-stamp = is a malformed time-stamp
d-custody-log-signature-length = has a signature of the wrong length
d-custody-log-record-prev = does not follow the record's previous event: one was removed or replayed
d-custody-log-empty = is missing: the log is empty
d-custody-log-import-chain = does not follow the chain of custody its record arrived with
d-custody-log-head-missing = the log's head is missing or damaged
d-custody-log-ends = is missing: the log ends at event { $last } but { $written } were written
d-custody-log-head-mismatch = does not match the log's head: the newest events were altered
d-custody-log-other-key = leaves the log signed by another key than the vault's
d-custody-stamp-order = is a time-stamp over events that were not before it
d-custody-stamp-root = is a time-stamp whose root is not that of the log before it: an event it covers was altered
d-custody-stamp-token = has a time-stamp token that does not verify: { $why }
d-custody-stamp-time = claims another time than its token's
d-recognise-collector = a collector cannot open the records it holds, so it cannot recognise their text: headquarters does, once it has imported them
d-recognise-too-large = it is larger than the { $mib } MiB recognised in memory
d-recognise-body-too-large = record { $record } would have a body of { $kib } KiB with its recognised text, more than a record may have: its parts are too many or their names too long
d-settings-authenticate = a contact or settings entry does not authenticate
d-settings-decode = the settings entry does not decode
d-settings-languages = name at most { $max } languages
d-lifecycle-duress-same = the duress passphrase must differ from the vault's passphrase
d-vault-collector-no-key = this device is a collector: it holds no key that opens the records it collected
d-vault-catalog-damaged = its catalog entry is damaged
d-ingest-cannot-read = cannot read { $path }: { $why }
d-crypto-wrap-failed = cannot wrap the file key for an X25519 recipient
d-crypto-encrypt-to = cannot encrypt to { $recipient }: { $why }
d-crypto-age-recipient-why = invalid age recipient { $value }: { $why }
d-crypto-age-recipient = invalid age recipient { $value }
d-crypto-ssh-key = invalid ssh-ed25519 key { $value }
d-crypto-recipient-unsupported = unsupported recipient { $value }: give an age X25519 recipient (age1…) or an ssh-ed25519 public key
d-crypto-no-recipients = no recipients
d-crypto-sealing = sealing
d-date-invalid = invalid date { $value }: use YYYY-MM-DD
d-record-empty-tag = tags must not be empty
d-record-too-many-parts = a record holds at most { $most } parts, this one has { $count }: put the files in an archive (zip, tar) and add that, or split them over several records
d-record-derived-no-part = names a part the record lacks
d-record-derived-no-source = names a source part the record lacks
d-record-derived-not-recognised = describes a part that is not recognised text
d-record-derived-bad-source = names recognised text or an identity as its source
d-record-derived-source-differs = names a source whose SHA-256 differs
d-record-derived-out-of-bounds = names its engine, version or languages out of bounds
d-record-derived = a recognised part { $why }
d-record-undecodable = record body does not decode
d-record-body-version = record { $id } has body version { $version }
d-record-body-empty = empty record body
d-record-body-other-id = record body belongs to another id
d-keyring-empty-passphrase = the passphrase is empty
d-keyring-too-many-recipients = too many recipients to fit in the keyring
d-keyring-reencode = the keyring does not re-encode
d-keyring-cannot-seal = cannot seal the keyring: { $why }
d-keyring-sealing = sealing keyring
d-keyring-slot-overflow = keyring slot overflow
d-keyring-age-header = age header
d-keyring-header-damaged = the keyring's header is damaged
d-keyring-new-is-duress = the new passphrase is the duress passphrase: choose another; nothing was changed
d-sig-malformed = the signature is malformed
d-sig-namespace = the signature is for namespace { $namespace }, not the expected one
d-sig-unsupported = the signature uses an unsupported key or hash
d-sig-invalid = the signature does not match the signed data
d-chain-not-event = is not a custody event
d-chain-signer-not-ed25519 = names a signer that is not an ssh-ed25519 key
d-chain-signature = has a bad signature: { $why }
d-chain-signed-by-other = is signed by another key than the one it names
d-chain-new-signer-not-ed25519 = names a new signer that is not an ssh-ed25519 key
d-chain-cosignature = has a bad cosignature: { $why }
d-chain-cosigned-by-other = has a cosignature that is not by the new key it names
d-chain-cosignature-missing = lacks the new key's signature
d-chain-cosignature-unexpected = carries an unexpected cosignature
d-chain-broken = custody event { $event } { $why }
d-chain-no-record = names no record
d-chain-not-first = is not where the record was first added
d-chain-does-not-follow = does not follow the event before it (one was removed, reordered or altered)
d-chain-not-the-import = follows an export without being that bundle's import
d-chain-other-record = is about another record
d-chain-signer-did-not-hold = is signed by a key that did not hold the record
d-chain-empty = is missing: the chain is empty
d-manifest-receiver-refuses = the receiver would refuse this bundle ({ $why }); nothing was written
d-manifest-not-json = the manifest is not JSON: { $why }
d-manifest-not-amanat = this is not an Amanat bundle manifest
d-manifest-version = bundle manifest version { $version }; this Amanat reads versions { $first } to { $last }
d-manifest-no-version = the manifest has no version
d-manifest-malformed = the manifest is malformed: { $why }
d-manifest-kind = unsupported or inconsistent bundle kind { $kind }
d-manifest-listed-twice = the manifest lists { $path } twice
d-manifest-record-twice = { $field } repeats record { $id }: a record is listed twice
d-manifest-no-body = record { $id } has no sealed body in the bundle
d-manifest-object-unlisted = object { $path } is not listed with its record
d-manifest-file-unlisted = { $path } is not listed in the manifest's files
d-manifest-too-many-parts = record { $id } has { $count } parts, more than the { $most } a record may hold
d-manifest-file-two-parts = record { $id } names one file as two parts ({ $path })
d-manifest-part-unlisted = part { $path } is not listed in the manifest's files
d-manifest-part-disagrees = part { $path } disagrees with its file entry
d-manifest-part-outside = part { $path } is outside its record
d-manifest-part-name-twice = record { $id } has two parts named { $name }
d-manifest-holds-recognised = a version { $version } manifest holds recognised text
d-manifest-holds-no-recognised = a version { $version } manifest holds no recognised text
d-manifest-identity-unexpected = an identity part in a bundle that says it carries none
d-manifest-part-kind = unknown part kind { $kind }
d-manifest-no-title = record { $id } has no title
d-manifest-bad-date = record { $id } has a bad date
d-manifest-record-invalid = { $field } ({ $id }): { $why }
d-manifest-not-a-time = { $field } is not a time
d-manifest-not-id = { $field } { $value } is not an id: ids are exactly 32 lower-case hex digits
d-manifest-not-sha256 = { $field } { $value } is not a SHA-256: hashes are exactly 64 lower-case hex digits
d-manifest-unsafe-name = unsafe file name { $name }
d-manifest-path = path { $path } is not allowed in a bundle
d-manifest-recognised-unsourced = record { $id }: recognised part { $name } does not say what it was recognised in
d-manifest-recognised-bad = record { $id }: part { $name } says it was recognised in a part the record does not hold, or names its engine out of bounds
d-manifest-v1-timestamps = a version 1 manifest carries time-stamp tokens
d-manifest-timestamps-unused = a version 2 or 3 manifest carries no time-stamp token it uses, or uses one it does not carry
d-manifest-timestamps-malformed = the manifest's time-stamp tokens are too many, repeated or malformed
d-manifest-record-timestamps = record { $id } names too many time-stamps
d-manifest-record-timestamp-bad = record { $id } names a time-stamp that is out of range, repeated or malformed
d-destroying = destroying { $path }
d-locking = locking { $path }
d-store-locking-vault = locking the vault
d-store-creating-vault = creating the vault
d-store-db-missing = the database directory is missing
d-store-db-not-moved = { $path } could not be moved to this version's log segments ({ $why })
d-store-db-does-not-open = { $path } does not open ({ $why })
d-store-repairing-journal = repairing the journal
d-store-db-behind = it lost writes it had made durable (it ends at journal frame { $database }, the journal at { $journal } or later)
d-store-group-unfinished = it holds part of a change whose rest the journal lacks (it ends inside a group of frames, at journal frame { $database })
d-store-group-frame-damaged = frame { $frame } of the journal, the rest of a change the database holds in part, does not open
d-store-group-interrupted = writing to the database stopped part way through a large change ({ $why }); the next time the vault is unlocked it finishes the change from the journal
d-journal-group-left-out = frames { $first } to { $last }, of a change whose frames are not all intact, were left out rather than replayed in part
d-store-vault-id-missing = the vault id is missing
d-store-vault-id-malformed = the vault id is malformed
d-store-journal-not-open = the journal is not open (the vault is not unlocked)
d-store-no-journal = the vault has no journal to rebuild from
d-store-journal-other-vault = the journal's first frame does not open with this keyring: it is damaged or belongs to another vault; nothing was changed
d-store-clearing-stage = clearing tmp/decoy
d-store-creating-stage = creating tmp/decoy
d-store-placing-rebuilt = moving the rebuilt database into place
d-store-creating-object-dir = creating an object directory
d-store-making-spares = making spare files for objects
d-store-object-times = setting the times of objects
d-store-creating-object = creating an object
d-store-taking-spare = taking a spare file for an object
d-store-removing-object = removing an object
d-store-listing-objects = listing objects
d-store-syncing-object = syncing an object
d-store-placing-object = placing an object
d-store-finishing-restore = finishing the restore
d-store-placing-rewritten = moving the rewritten database into place
d-store-replacing-vault = replacing the vault
d-store-finishing-replacement = finishing an interrupted replacement
d-store-database = database
d-store-db-corruption = the database reports corruption
d-store-database-why = database: { $why }
d-store-version = { $path } says { $found }, this Amanat understands { $known }
d-tsp-answer-too-large = the answer is too large or too deeply nested to be a time-stamp response
d-tsp-no-token = the answer holds no token
d-tsp-nonce = the token does not answer this request (its nonce differs)
d-tsp-other-data = the token is for other data
d-tsp-token-too-large = the token is too large or too deeply nested to be one an authority gives
d-tsp-not-signed-data = the token is not CMS signed data
d-tsp-no-tst-info = the token does not hold time-stamp information
d-tsp-no-content = the token's content is missing
d-tsp-time-range = the token's time is out of range
d-tsp-one-signer = the token must have exactly one signer
d-tsp-no-signer-cert = the token's signing certificate is neither in the token nor trusted
d-tsp-no-attributes = the token's signer has no signed attributes
d-tsp-attributes = the token's signed attributes are malformed
d-tsp-content-type = the token's content-type attribute is malformed
d-tsp-signed-other = the token's signature is not over time-stamp information
d-tsp-message-digest = the token's message-digest attribute is malformed
d-tsp-altered = the token's time-stamp information was altered (its digest differs)
d-tsp-signature = the token's signature does not verify
d-tsp-not-tsa = the token's signer is not a time-stamping certificate
d-tsp-cert-signature = a certificate's signature is malformed
d-tsp-not-certificate = not a PEM or DER certificate
d-tsp-pem-open = a PEM certificate is not closed
d-tsp-no-certificate = the file holds no certificate
d-tsp-cert-key = a certificate's key is malformed
d-tsp-no-curve = an EC key names no curve
d-tsp-sig = a signature does not verify
d-tsp-encoding = { $why }
d-tsp-not-response = the answer is not a time-stamp response ({ $why })
d-tsp-refused = the authority refused the request (status { $status }) { $text }
d-tsp-token-parse = the token does not parse ({ $why })
d-tsp-signed-data-parse = the token's signed data does not parse ({ $why })
d-tsp-content-octets = the token's content is not an octet string ({ $why })
d-tsp-tst-info-parse = the token's time-stamp information does not parse ({ $why }; a time with fractional seconds is not read by this version)
d-tsp-token-larger = the token is larger than { $kib } KiB
d-tsp-many-certificates = the token carries more than { $most } certificates
d-tsp-trusted-parse = a trusted certificate does not parse ({ $why })
d-tsp-digest = the token's digest algorithm { $oid } is not supported
d-tsp-not-valid = the certificate of { $subject } was not valid at the token's time
d-tsp-pem-decode = a PEM certificate does not decode ({ $why })
d-tsp-cert-parse = a certificate does not parse ({ $why })
d-tsp-algorithm = the signature algorithm { $oid } is not supported
d-tsp-curve = the curve { $curve } with { $digest } is not supported
d-tsp-key-type = the key type { $oid } is not supported
d-journal-header = the journal's header is damaged: it cannot be read
d-journal-confirmation = the confirmation at byte { $byte } names frame { $frame }, not the frame before it
d-journal-frames-lost = frames { $first }–{ $last } lost
d-journal-frame-lost = frame { $frame } lost
d-journal-no-frame-lost = no frame lost
d-journal-bytes-damaged = bytes { $from }–{ $to } of the journal are damaged ({ $lost })
d-journal-frame-again = frame { $frame } appears again after frame { $after }
d-journal-frames-missing = frames { $first }–{ $last } are missing from the journal
d-journal-end-damaged = bytes { $from }–{ $to } at the end of the journal are damaged (frames from { $first } on lost)
d-journal-not-open = the journal is not open
d-journal-ends-elsewhere = the journal ends at frame { $journal }, the database at { $database }
d-journal-journal-missing = the journal is missing
d-journal-journal-cannot-read = the journal cannot be read
d-journal-journal-one-database-names = the journal is not the one the database names
d-journal-journal-lacks-database-s = the journal lacks the database's last frame
d-journal-journal-s-frame-numbers = the journal's frame numbers do not match
d-journal-journal-damaged-after-last = the journal is damaged after its last frame
d-journal-other-keys = the journal is sealed with other keys
d-age-ciphertext = ciphertext does not authenticate ({ $why })
d-age-payload = payload does not authenticate
d-age-header = invalid age header
d-age-mac = age header MAC does not verify
d-age-file-key = file key does not decrypt
d-age-version = unknown age format version
d-age-failed = age decryption failed
d-pass-guesses = about 10^{ $power } guesses
d-zx-straight-rows = Straight rows of keys are easy to guess.
d-zx-short-patterns = Short keyboard patterns are easy to guess.
d-zx-repeats-aaa = Repeats like "aaa" are easy to guess.
d-zx-repeats-abcabc = Repeats like "abcabcabc" are only slightly harder to guess than "abc".
d-zx-top-10 = This is a top-10 common password.
d-zx-top-100 = This is a top-100 common password.
d-zx-common = This is a very common password.
d-zx-similar = This is similar to a commonly used password.
d-zx-sequences = Sequences like abc or 6543 are easy to guess.
d-zx-recent-years = Recent years are easy to guess.
d-zx-one-word = A word by itself is easy to guess.
d-zx-dates = Dates are often easy to guess.
d-zx-names = Names and surnames by themselves are easy to guess.
d-zx-common-names = Common names and surnames are easy to guess.
d-zx-few-words = Use a few words, avoid common phrases.
d-zx-no-symbols = No need for symbols, digits, or uppercase letters.
d-zx-another-word = Add another word or two. Uncommon words are better.
d-zx-capitals = Capitalization doesn't help very much.
d-zx-all-uppercase = All-uppercase is almost as easy to guess as all-lowercase.
d-zx-reversed = Reversed words aren't much harder to guess.
d-zx-substitutions = Predictable substitutions like '@' instead of 'a' don't help very much.
d-zx-longer-pattern = Use a longer keyboard pattern with more turns.
d-zx-avoid-repeats = Avoid repeated words and characters.
d-zx-avoid-sequences = Avoid sequences.
d-zx-avoid-recent-years = Avoid recent years.
d-zx-avoid-your-years = Avoid years that are associated with you.
d-zx-avoid-your-dates = Avoid dates and years that are associated with you.
cli-hours = { $n } h
cli-minutes = { $n } min
cli-seconds = { $n } s
ev-to-stdout = standard output
ev-to-browser-shown = the browser (shown)
ev-to-browser-downloaded = the browser (downloaded)
d-crypto-low-order = { $value } is a low-order X25519 point: nothing can be encrypted to it
d-bundle-sums-differ = SHA256SUMS does not list the manifest's files as the manifest does
d-bundle-record-json-differs = { $path } is not the record the manifest holds
d-manifest-compact-records = a version 6 manifest holds no records itself: each record is in its record.json
d-manifest-compact-order = { $path } is out of place among the files the manifest lists: a version 6 bundle lists SHA256SUMS, then import.csv if it has one, then each record's record.json followed by its parts
d-manifest-compact-parts = the parts of record { $id } are not the files listed after its record.json
d-manifest-part-removed = { $path } says more of what cleaning removed than a bundle may ({ $most } bytes at most)
d-manifest-records-too-large = the records of this bundle are { $bytes } bytes of record.json, more than the { $most } an import takes at once: ask the sender to send them in several bundles
d-bundle-record-json-id = { $path } holds another record than its path names
d-bundle-record-json-malformed = { $path } is not a record as the bundle format describes one ({ $why })
d-bundle-gzip-not-6 = the bundle is compressed, but only a bundle of manifest version 6 is (its manifest says version { $version })
d-bundle-6-not-gzip = a bundle of manifest version 6 is compressed with gzip; this one is not
d-bundle-after-gzip = the bundle holds data after its compressed tar
d-bundle-tar-header = a tar header in the bundle is not in the form every tar program reads alike ({ $what }); Amanat never writes one
d-bundle-after-end = the bundle holds data after the end of its tar, which another tar program would read on into
cli-list-collected = { $id }  collected { $time }  { $size } bytes sealed
cli-remote-line = { $name }  { $endpoint } bucket { $bucket }  last push: { $last }
cli-never = never

## The testimony model (FORMAT.md 7.4): details of what is wrong with it

d-case-code = { $code } is not a person code: use 1 to 64 letters, digits, "-", "_" or "."
d-case-too-many = the record names too many persons, relations, status events or verifications
d-case-person-twice = a person is named twice
d-case-roles = a person has no role, or one role twice
d-case-relation = a relation names a person the record does not name, or a person as their own relative
d-case-relation-twice = a relation is given twice
d-case-consent = the consent is not as the format allows (organisations only with "share", a date YYYY-MM-DD, a person code)
d-case-status = a status event names a person the record does not name, or has no valid date (YYYY, YYYY-MM or YYYY-MM-DD)
d-case-verification = a verification has no valid code, time or reason
d-case-too-long = the persons, consent, status events and verifications hold more than 16 KiB of text
d-case-link = a transcript or translation names a part that is not a testimony or attachment of the record, is linked twice, goes round, or is a translation without a language
d-manifest-model-version = a version { $version } manifest must hold the testimony model (persons, consent, status events, verification, linked parts) if and only if it is version 4
d-manifest-case = record { $id }: { $why }
d-manifest-case-empty = an empty case is left out, not written
d-collector-cannot-describe = a collector cannot open the records it holds: describe them (persons, consent, status, verification) when adding them, or at headquarters
d-case-no-part = the record has no part { $part } (name it as `show` lists it: its name, its index or "testimony")

## The testimony model on the command line (src/cli/case.rs)

cli-case-shape = { $flag } takes { $shape }, not { $value }
cli-case-word = { $value } is not one of: { $words }
cli-consent-share-with = consent "share" needs at least one --share-with CONTACT, and only "share" takes any
cli-case-updated = Record { $id }: { $what } recorded, and logged in its chain of custody
cli-consent-erased = Consent withdrawn: record { $id } was erased (logged in the chain of custody)
cli-consent-restricted = Consent withdrawn: record { $id } is kept in this archive only, and is not exported without --override-consent (logged in the chain of custody)
web-case = Persons, consent and verification
case-relation = { $person } is the { $kin } of { $of }
case-with = with { $with }
case-by = by { $by }
case-source = record { $id }
case-link = { $kind } of [{ $of }]
cli-export-consent-overridden = { $count ->
    [one] One record was
   *[other] { $count } records were
  } exported although the testifier's consent does not cover this contact (--override-consent; logged in each record's chain of custody).
cli-export-consent-unrecorded = { $count ->
    [one] One record has
   *[other] { $count } records have
  } no consent recorded: make sure the testifiers agreed to this (amanat consent set).
# A keyword of the testimony model: roles, kin, consent scopes and ways, statuses,
# verification levels, kinds of linked parts, and what a change recorded.
case-word = { $word ->
    [testifier] testifier
    [victim] victim
    [relative] relative
    [witness] witness
    [parent] parent
    [child] child
    [sibling] sibling
    [spouse] spouse
    [other] other
    [archive] archive only
    [share] share
    [publish-anonymised] publish anonymised
    [publish] publish
    [oral] given orally
    [written] given in writing
    [guardian] given through a guardian
    [detained] detained
    [sentenced] sentenced
    [released] released
    [disappeared] disappeared
    [died] died
    [left-country] left the country
    [unverified] unverified
    [corroborated] corroborated
    [verified] verified
    [transcript] transcript
    [translation] translation
    [persons] persons
    [relations] relations
    [consent] consent
    [statuses] status events
    [verification] verification
    [links] linked parts
   *[unknown] { $word }
}
cli-export-override-reason = --override-consent needs a reason: it is kept in the vault with the override

## Vocabularies (FORMAT.md 12.4)

d-vocab-labels = a term has 1 to { $most } labels
d-vocab-label = { $label } is not a label: 1 to 128 bytes without control characters, and more than punctuation
d-vocab-label-twice = { $label } is given twice (as search compares it)
d-vocab-decode = a vocabulary term does not decode
d-vocab-too-many = a vault adds at most { $most } terms
d-vocab-none = no term this vault added has the label { $label } (the built-in terms cannot be removed)
cli-vocab-added = Added the term { $labels }
cli-vocab-extended = The term is now { $labels }
cli-vocab-removed = Removed the term { $labels }
d-contact-reads-as = { $name } reads as the contact { $other } (they differ only in case or in how a letter is written): consent to share names contacts, so choose a name that differs in more
d-case-no-contact = consent names { $name }, which is not a contact of this vault: add it first (amanat contact add), under the name consent uses
d-case-future = a status event or consent is dated after today
d-case-pseudonym-form = { $code } has the form of a partner's pseudonym (P- and 10 letters or digits), which a code given here may not have: choose another
d-case-consent-received = the record arrived in a partner's bundle: its consent is the sender's to record, and can only be narrowed here (archive)
d-case-consent-withdrawn = the testifier withdrew consent for this record: it can only stay in the archive (if they consent anew, record the testimony again)
d-manifest-case-organisations = its consent names organisations, which a bundle never does
d-manifest-case-code = it names { $code }, which is not a pseudonym as a bundle gives codes
d-manifest-identity-name = an identity part is named { $name }: it must be "identity" (the testifier's) or "identity-" and a person the record names, once each
d-csv-header = the CSV's header cannot be read: { $why }
d-csv-unknown-columns = it has columns ingest does not read ({ $columns }); remove or rename them to columns it reads: { $known }
d-csv-column-twice = the column { $column } is there twice
d-csv-no-title = it has no title column, which every record needs
d-csv-case-json = its case is not the JSON `show --json` prints: { $why }
d-csv-case-disagrees = its { $column } say otherwise than its case: change one to match the other, or empty { $column }
d-csv-needs-case = its { $column } needs a case column (who verified it, and when and why; how consent was given)
d-csv-shape = its { $column } value { $value } is not of the form the column takes (persons CODE:ROLE[,ROLE], relations PERSON:KIN:OF, statuses CODE:STATUS:DATE, several separated by |)
d-csv-word = its { $column } value { $value } is none of { $words }
d-csv-path-outside = its { $column } names { $path }, outside the CSV's folder: a CSV names files beside it or in folders below it
d-csv-too-large = import.csv would be { $mib } MiB, more than a receiver reads ({ $max } MiB): export fewer records at a time
d-csv-separator = the { $column } value { $value } holds a |, which a CSV cell uses between values: change it before exporting with --csv
d-manifest-csv-version = a partner bundle carries import.csv if and only if it is version 5, and this one is version { $version }
d-bundle-csv-differs = import.csv does not say what the bundle says of its records
d-event-model = describes a record in words the format does not have
cli-consent-others = note: { $count ->
    [one] one other record
   *[other] { $count } other records
  } of witness { $witness } keep their consent; withdraw it from each that this withdrawal covers (amanat list --witness { $witness })
