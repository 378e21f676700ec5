# Amanat habarlamalary qazaq tılınde (latyn jazuy, 2021 jylğy älıpbi; kirill nūsqasynan avtomatty türde jazylğan). Audarmanyñ jobasy, ana tılınde
# söileitın adam älı teksermegen (docs/TRANSLATING.md).

## Şolu (`amanat tour`)

tour-intro = Amanat şoluy: kuälık jazbalaryna arnalğan qoima, oidan şyğarylğan ülgıler negızınde.
tour-where = Barlyğy { $dir } ışınde ötedı jäne soñynda öşırıledı.
tour-done = Daiyn. Özıñız baiqap körıñız: `amanat init`, sodan keiın `amanat add --help`.
tour-serve = Terminalsyz: `amanat serve` osy kompiuterdegı brauzerde aşylatyn mekenjaidy basyp şyğarady; onda qoima aşylady, jazbalar qosylady, tabylady jäne oqylady.
tour-step-create = Qoima jasau
tour-sealed-keyring = kıltter jiyntyğy qūpiia söz tırkesımen mörlendı (scrypt, osy kompiuterge beiımdelgen: { $seconds } s)
tour-recipient = qoimanyñ age aluşysy: { $recipient }
tour-signing-key = onyñ qoltañba kıltı: { $fingerprint }
tour-step-add = Üş kuälık (qazaq, orys, ağylşyn tılderınde) jäne qūjattyñ skanerın qosu
tour-step-list = Tızım (şifrlanğan katalogtan: är jazbağa aşyq kılt amaly qajet emes)
tour-step-search = Kez kelgen jazuda, bas-kışı ärıpke qaramai, skanerlerden de ızdeu
tour-found-nothing = eşteñe
tour-step-show = Jazbany körsetu: är bölıgı qosylğan kezde eseptelgen SHA-256 heşımen
tour-part-bytes = { $size } bait
tour-step-get = Skanerdı heşımen salystyryp, kerı alu
tour-got-back = { $size } bait jazyldy; tüpnūsqamen bırdei: { $same ->
    [yes] iä
   *[no] JOQ
}
tour-step-copy = Diskını köşırıp alğan adam ne köredı
tour-leak = AĞYP KETU: { $word }, { $file } ışınde
tour-copy-summary = { $files } fail, { $bytes } bait; ülgılerdıñ { $words } sözı ızdeldı: { $found } tabyldy
tour-step-check = Tekseru: är bölıktı aşu, är heştı jäne audit jurnalyn tekseru
tour-check-summary = { $records } jazba, { $parts } bölık, { $bytes } bait tekserıldı, { $damaged } bülıngen
tour-audit = audit jurnaly: { $events } oqiğa, ärqaisysy qol qoiylğan jäne heşpen tızbektelgen: { $intact ->
    [yes] bütın
   *[no] BŪZYLĞAN
}
tour-step-export = Serıkteske eksport: qol qoiylğan, şifrlanğan, jeke mälımetterı alynğan
tour-exported = { $records } jazba { $bytes } baittyq bır age failynda, { $fingerprint } qol qoiğan
tour-cleaned = { $name } ışınen EXIF pen GPS alynyp tastaldy; pikselder özgermegen
tour-pseudonyms = kuäger kodtary osy serıktes üşın bürkenşık attarmen auystyryldy; jeke basy turaly bölıkter qosylmady
tour-timestamped = aldymen uaqyt belgısı alyndy (RFC 3161, 127.0.0.1 mekenjaiyndağy `openssl ts` jergılıktı synaq ortalyğynan): jurnaldyñ alğaşqy { $events } oqiğasy qoltañbalarymen { $time } kezınde bar bolğan
tour-token = buma osy belgını alyp jüredı; keiın tärkılengen kılt ol qamtityn närsenı ötken künmen özgerte almaidy
tour-no-timestamp = uaqyt belgısı joq: mūnda `openssl` ornatylmağan (onymen şolu jurnalğa belgı qoiady; jūmysta `amanat tsa add` naqty ortalyqty ataidy)
tour-step-import = Serıktes bumany tekserıp, importtaidy
tour-verified = { $contact } ({ $signer }) qoltañbasy jäne är faildyñ SHA-256 heşı dūrys
tour-imported-record = { $id }  { $title }  kuäger { $witness }
tour-custody = { $id } saqtau tızbegı, är oqiğa qol qoiylğan jäne aldyñğysymen bailanysqan:
tour-existed-by = { $entry }-oqiğa ({ $kind }) { $time } kezınde bar bolğan, mūny ortalyqtyñ belgısı däleldeidı
tour-existed-by-untrusted = { $entry }-oqiğa ({ $kind }) { $time } kezınde bar bolğan, mūny ortalyqtyñ belgısı däleldeidı (serıktes qospağan ortalyq)
tour-verify-token = Amanat joq serıktes belgını bylai tekseredı: openssl ts -verify -token_in -in token.tsr -data statement.txt -CAfile authority-ca.pem (README, «For partners»)
tour-other-partners = (basqa kez kelgen serıktes üşın sol jazbalardyñ id-lerı men bürkenşık attary basqa)
tour-without-amanat = Amanat joq serıktes mynany oryndaidy: mkdir b && age -d -i key.txt FILE | tar x -C b, sodan keiın bärınen būryn ssh-keygen -Y verify
tour-step-collect = Dalalyq jinauşy mörlengen jazbalardy ştabqa tapsyrady
tour-collector-sealed = jinauşy { $id } jazbasyn ştabtyñ kıltımen mörledı
tour-collector-blind = jäne ony özı oqi almaidy: jinauşyda jinağanyn aşatyn kılt joq
tour-transfer = tapsyru bumasy jazyldy; jazba jinauşyda endı joq ({ $left } qaldy)
tour-hq-imported = ştab { $added } jazbany importtady, id sol qalpy { $id }: «{ $title }», mörlengen jeke basymen qosa { $parts } bölık
tour-step-replica = Joğalğan noutbuk jıberılgenın joğaltpaidy: Garage-dağy köşırme
tour-no-garage = Mūnda Garage ornatylmağan, sondyqtan būl qadam tek tüsındıredı: `amanat push` mörlengen jazbalardy ūiymnyñ Garage klasterıne tek jaza alatyn kıltpen jıberedı; tärkıleuden keiın `amanat restore` qoimany jaña noutbukta köşırmeden jäne kıltter jiyntyğynyñ köşırmesınen qalpyna keltıredı. Ornatu: `cargo install garage --version 2.5.0 --locked` (README, «Replicas»).
tour-garage-started = { $endpoint } mekenjaiynda Garage tüiını ıske qosyldy, būl noutbuk tek jaza alatyn kırıs jäşıgımen
tour-pushed = `amanat push`: { $objects } nysan faily jäne { $kib } KiB mörlengen jurnal; serverde eşbır esım, atau nemese mätın joq
tour-restored = noutbuk joğaldy; jañasynda `amanat restore`: { $records } jazbanyñ { $restored } qaitaryldy, tekseru: { $ok ->
    [yes] bärı tekserıldı
   *[no] BÜLINU BAR
}
tour-step-rebuild = Bülıngen derekqor jurnaldan qaita jasalady
tour-db-gone = derekqor joq, onsyz qoima aşylmaidy
tour-rebuilt = `amanat rebuild` jurnaldyñ { $frames } kadryn qaitalady: { $records } jazbanyñ { $back } qaitaryldy, tekseru: { $ok ->
    [yes] bärı tekserıldı
   *[no] BÜLINU BAR
}
tour-step-wrong-passphrase = Qate qūpiia söz tırkesı eşteñe aşpaidy
tour-refused = bas tartyldy: { $error }
tour-step-shred = Tötenşe jağdai: shred qoimany bırden aşylmaityn etedı
tour-shredded = kıltter jiyntyğy ornynda qaita jazylyp, { $ms } ms ışınde joiyldy; qalğany tek şifrmätın
tour-after-shred = tıptı dūrys qūpiia söz tırkesı de: { $error }
tour-ocr-missing = skanerlengen hattyñ mätını mūnda tanylmady: { $error } (sodan keiın `amanat ocr --all`)
tour-ocr-recognised = osy qūrylğyda { $source } tanyldy (Tesseract { $version }, { $languages }): { $characters } tañba, { $name } retınde mörlendı
tour-ocr-pipes = (suretter men PDF Tesseract-qa arnalar arqyly berıledı: olardyñ mätını diskıge mörlenbegen küide eşqaşan timeidı)

## Qateler

err-no-vault = { $path } ışınde qoima joq
err-vault-exists = { $path } būrynnan bar
err-keyring-missing = { $path } ışınde kıltter jiyntyğy tabylmady
err-shredded = { $path } ışındegı kıltter jiyntyğy joiyldy (shred); eşteñe jazylmady
err-no-keyring-to-shred = { $path } ışınde kıltter jiyntyğy tabylmady: eşteñe joiylmady
err-no-keyring-to-shred-removed = { $path } ışınde kıltter jiyntyğy tabylmady: eşteñe joiylmady (derekqor men nysandar öşırıldı)
err-wrong-passphrase = qūpiia söz tırkesı qate
err-keyring-damaged = { $path } ışındegı kıltter jiyntyğy bülıngen nemese Amanat kıltter jiyntyğy emes
err-keyring-mismatch = { $path } ışındegı kıltter jiyntyğy basqa qoimağa tiesılı
err-excessive-work = kıltter jiyntyğy scrypt jūmys koeffitsientın { $required } talap etedı, būl qūrylğydağy { $limit } şegınen joğary
err-rotation-unfinished = būl qoimanyñ kıltterın auystyru üzılgen
err-in-use = qoimany basqa protsess paidalanyp jatyr
err-unsupported-format = qoimanyñ qoldau körsetılmeitın pışımı: { $detail }
err-no-such-record = { $prefix } säikes jazba joq
err-ambiguous-id = { $prefix } { $count } jazbağa säikes keledı
err-no-such-part = { $id } jazbasynda { $part } bölıgı joq
err-input = { $path } oqylmady: { $detail }
err-output = { $path } jazylmady: { $detail }
err-disk-full = disk toly
err-damaged = { $id } jazbasy bülıngen: { $detail }
err-vault-damaged = qoima bülıngen: { $detail }
err-database-damaged = derekqor bülıngen: { $detail }
err-bundle-rejected = buma qabyldanbady: { $detail }
err-unknown-signer = bumağa belgısız { $key } kıltı qol qoiğan
err-removed-since = { $bundle } bumasy mūnda { $date } importtalğan, sodan berı onyñ { $count } jazbasy öşırıldı: { $ids }
err-missing-tool = { $what } ornatylmağan: { $package } bumasyn ornatyñyz
err-keyring-gone = { $path } ışındegı kıltter jiyntyğy joq (shred joiğan nemese tasymaldağyşy alynğan): pärmen toqtady, aiaqtalğany saqtaldy
err-recognition = mätındı tanu sätsız aiaqtaldy: { $detail }
err-restore-unfinished = { $path } ışıne qalpyna keltıru aiaqtalmady
err-remote = { $remote } qaşyqtağy qoimasy: { $detail }
err-too-large = būl özgerıs { $tree } ağaşynda bır män retınde { $len } bait saqtar edı, būl qoima bır bölıkte saqtaityn { $max } KiB-tan köp; eşteñe jazylmady

refused-identities-need-custodian = --with-identities üşın jeke bas saqtauşysynyñ kıltı kerek, al ol būl qūrylğyda joq
refused-image-too-large = { $record } jazbasynyñ { $image } suretı jadta tazalauğa tym ülken; ony sol küiınde jıberu üşın --keep-metadata arqyly eksporttañyz
refused-image-not-cleanable = { $record } jazbasynyñ { $image } suretın qauıpsız tazalau mümkın emes ({ $detail }); ony sol küiınde jıberu üşın --keep-metadata arqyly eksporttañyz
refused-transfer-needs-collector = tapsyru bumalaryn jinauşylar jazady: serıktestı --to CONTACT arqyly atañyz
refused-collector-selection = jinauşy belgıler men kuäger kodtaryn oqi almaidy: --all nemese jazba id-lerı boiynşa eksporttañyz
refused-work-factor = --kdf-work-factor 1 men { $max } aralyğynda boluy kerek
refused-collector-needs-recipient = jinauşyğa kemınde bır --recipient (ştabtyñ kıltı) kerek
refused-empty-title = jazbağa bos emes --title kerek
refused-metadata-too-long = metaderekter { $len } bait, { $max } şegınen köp: ūzyn mätındı --testimony ışıne nemese qosymşağa salyñyz
refused-output-exists = { $path } jazylmady: ol būrynnan bar (auystyru üşın --force körsetıñız)
refused-contact-needs-key = kontaktıge --recipient (oğan eksporttau üşın) nemese --signing-key (odan importtau üşın) kerek
refused-signing-key = --signing-key { $line } jaramsyz: `ssh-ed25519 AAAA…` jolyn berıñız
refused-strict-stopped = { $line }-jol: { $detail } (--strict: toqtatyldy)
refused-strict-nothing = { $line }-jol: { $detail } (--strict: eşteñe qosylmady)
refused-manifest-too-large = osy { $records } jazbanyñ bumasynda manifest { $bytes } bait bolar edı, būl import oqityn { $max } şegınen köp: olardy bırneşe bumamen eksporttañyz (--tag, --witness nemese jazba id-lerı)

hint-no-vault = `amanat init` arqyly qoima jasañyz nemese --vault / AMANAT_VAULT arqyly bar qoimany körsetıñız
hint-vault-exists = basqa --vault katalogyn nemese --keyring jolyn tañdañyz; eşteñe özgermedı
hint-keyring-missing = kıltter jiyntyğy bar tasymaldağyşty salyñyz nemese --keyring PATH / AMANAT_KEYRING körsetıñız
hint-shredded = qoimany endı eşkım aşa almaidy
hint-no-keyring-to-shred = kıltter jiyntyğy basqa jerde saqtalsa (alynbaly tasymaldağyş), onyñ jolymen `amanat shred --keyring PATH` oryndañyz; onyñ kez kelgen köşırmesı qoimany älı de aşady
hint-wrong-passphrase = qūpiia söz tırkesın (nemese --passphrase-file bırınşı jolyn) tekserıp, qaitalañyz; eger oğan senımdı bolsañyz, kıltter jiyntyğy bülıngen boluy mümkın: ony saqtyq köşırmeden qalpyna keltırıñız
hint-keyring-damaged = kıltter jiyntyğyn saqtyq köşırmeden qalpyna keltırıñız; onsyz qoima aşylmaidy
hint-keyring-mismatch = osy qoimamen bırge jasalğan kıltter jiyntyğyn körsetıñız (--keyring PATH)
hint-excessive-work = būl kıltter jiyntyğy qaskünemdık nemese äldeqaida jyldam kompiuterde jasalğan boluy mümkın; ony jasalğan jerde aşyp, kışırek --kdf-work-factor mänımen `amanat passwd` oryndañyz
hint-rotation-unfinished = aiaqtau üşın sol qūpiia söz tırkesımen `amanat rotate` oryndañyz; oğan deiın qoimany basqa eşteñe aşpaidy
hint-in-use = basqa amanat pärmenınıñ aiaqtaluyn kütıp, qaitalañyz
hint-unsupported-format = osy qoimany jasağan nemese odan jaña Amanat nūsqasyn paidalanyñyz
hint-no-such-record = jazba id-lerın `amanat list` körsetedı
hint-ambiguous-id = id-dıñ köbırek tañbasyn terıñız
hint-no-such-part = jazbanyñ bölıkterın `amanat show ID` körsetedı
hint-input = faildyñ bar ekenın jäne oqylatynyn tekserıñız; eşteñe qosylmady
hint-output = maqsatty joldy jäne bos oryndy tekserıñız; onda eşteñe jazylmady
hint-cannot-open = ony tiıstı kıltı bar qūrylğyda aşyñyz (ştabtyñ nemese jeke bas saqtauşysynyñ)
hint-manifest-too-large = eşteñe jazylmady jäne jurnalğa engızılmedı; bır joly azyraq jazba eksporttañyz
hint-invalid = kütıletın pışındı `amanat help` körsetedı
hint-disk-full = oryn bosatyp, pärmendı qaitalañyz; qoima özgermedı
hint-damaged = jazbany saqtyq köşırmeden nemese serıktestıñ köşırmesınen qalpyna keltırıñız; basqa jazbalarğa äser joq
hint-vault-damaged = nege äser etkenın köru üşın `amanat check` oryndap, saqtyq köşırmeden qalpyna keltırıñız
hint-database-damaged = derekqordy jurnaldan (jazbalar, katalog, kontaktıler jäne saqtau jurnaly) qaita jasau üşın `amanat rebuild`, sodan keiın `amanat check` oryndañyz; disk toly bolsa, aldymen oryn bosatyñyz
hint-bundle-rejected = būl failğa senbeñız; jıberuşıden ony qaita jıberudı sūrañyz; eşteñe importtalmady
hint-unknown-signer = sausaq ızın jıberuşımen basqa arna arqyly salystyryp, ony `amanat contact add NAME --signing-key 'ssh-ed25519 …'` arqyly qosyñyz nemese --trust-signer körsetıñız
hint-removed-since = eşteñe importtalmady; olardy qaitaru üşın bumany --restore-removed arqyly qaita importtañyz
hint-too-large = būl jüzdegen bölıgı nemese öte ūzyn saqtau tızbegı bar jazbada bolady: ony bırneşe jazbağa bölıñız; ağaştyñ atyn atap, būl turaly habarlañyz
hint-io = rūqsattar men bos oryndy tekserıp, qaitalañyz
hint-missing-tool = Debian nemese Ubuntu jüiesınde: sol bumany `sudo apt install` arqyly ornatyñyz (nemese äkımşıden sūrañyz); qoima özgermedı
hint-keyring-gone = tasymaldağyş alynğan bolsa, ony qaita salyp, aiaqtau üşın pärmendı qaitalañyz; shred-ten keiın qoimany eşteñe aşpaidy
hint-recognition = bölıkte tanylğan mätın joq; qaitalañyz nemese --language arqyly basqa tılderdı atañyz
hint-restore-unfinished = aiaqtau üşın sol `amanat restore` pärmenın qaita oryndañyz; oğan deiın katalogty basqa eşteñe aşpaidy, sondyqtan osy uaqytta jazylğan eşteñe joğalmaidy
hint-remote = mekenjaidy, sebettı jäne kılttı tekserıp (`amanat remote list`), pärmendı qaitalañyz: jıberu nemese qalpyna keltıru toqtağan jerınen jalğasady, jıberılmegen eşteñe jıberıldı dep belgılenbegen
hint-other = `amanat help` qarañyz

## Pärmen jolynyñ anyqtamasy

help-usage = Qoldanyluy
help-commands = Pärmender
help-options = Parametrler
help-flag = Anyqtamany körsetu
help-version-flag = Nūsqasyn körsetu
help-subcommand = Osy anyqtamany nemese körsetılgen pärmennıñ anyqtamasyn körsetu

## Ortaq sözder

part-kind = { $kind ->
    [testimony] kuälık
    [attachment] qosymşa
    [identity] jeke basy
   *[recognised] tanylğan
}

## Veb-interfeis (`amanat serve`)

serve-ready = Joğarydağy mekenjaidy osy kompiuterdegı brauzerde aşyñyz. Ol kımde bolsa, server jūmys ıstep tūrğanda qoimany paidalana alady; mekenjai tek osy ıske qosu üşın jaramdy. Qoima { $idle } äreketsızdıkten keiın özı qūlyptalady. Toqtatu: Ctrl-C.
web-nav = Basty
web-records = Jazbalar
web-add = Jazba qosu
web-contacts = Kontaktıler
web-receive = Bumany qabyldau
web-maintain = Qyzmet körsetu
web-lock = Qūlyptau
web-language = Tıl
web-language-set = Auystyru
web-control-char = basqaru tañbasy, oryndalmai körsetılgen
web-unlock-title = Aşu
web-unlock-heading = Qoimany aşu
web-gone-restart = `amanat serve` toqtatyp, qaita ıske qosyñyz.
web-passphrase = Qūpiia söz tırkesı
web-unlock = Aşu
web-unlock-hint = Qoima bıraz uaqyt paidalanylmasa jäne «Qūlyptau» basylğanda özı qūlyptalady.
web-back-to-records = Jazbalarğa oralu
web-bytes = { $n } bait
web-search = Izdeu
web-tag = Belgı
web-witness-code = Kuäger kody
web-since = Sūhbat osy künnen bastap
web-until = Sūhbat osy künge deiın
web-filter = Süzu
web-collector-list = Būl qūrylğy — jinauşy: ol jazğannyñ bärı bırden ştab üşın mörlenedı, ony kerı oqi almaidy, ony tärkılegen adam da oqi almaidy. Jazbalardy ştabqa pärmen joly arqyly tapsyryñyz:
web-share-ticked = Belgılengen jazbalarmen bölısu
web-share-no-contact = Aldymen aşyq kıltı bar kontakt qosyñyz:
web-share-with = Kımmen
web-share-with-ocr = Skanerlerde tanylğan mätındı qosu
web-share-keep-metadata = Suretterdıñ metaderekterın (EXIF, GPS) saqtau: tek serıkteske kerek bolsa
web-share-make = Bumany jasau
web-count = { $records } jazba
web-page-of = { $pages } bettıñ { $page }-betı
web-damaged-entries = Katalogtyñ { $count } jazbasy aşylmady: tekserudı ıske qosyñyz.
web-col-share = Belgıleu
web-col-record = Jazba
web-col-date = Künı
web-col-title = Atauy
web-col-tags = Belgıler
web-col-witness = Kuäger
web-share-one = Bölısu: { $title }
web-sealed-size = mörlengen, { $size }
web-pages = Better
web-newer = Jañaraq
web-older = Eskırek
web-added = Qosylğan
web-field-language = Tılı
web-field-place = Orny
web-field-date = Sūhbat künı
web-field-interviewer = Sūhbat aluşy
web-field-note = Eskertpe
web-parts = Bölıkter
web-col-part = Bölık
web-col-kind = Türı
web-col-size = Kölemı
web-download = Jüktep alu
web-image-alt = Suret: { $name }
web-read = Oqu
web-ocr-button = Skanerlerınıñ mätının tanu
web-ocr-hint = osy qūrylğyda, Tesseract arqyly; sodan keiın ızdeu ony tabady
web-custody = Saqtau tızbegı
web-by-another-vault = basqa qoima, qoltañbasy
web-check-heading = Qoimany tekseru
web-check-what = Är bölıktı aşyp, onyñ SHA-256 heşın, sondai-aq saqtau tızbegı men jurnaldy tekseredı.
web-check-now = Qazır tekseru
web-audit-link = Tekserılgen audit jurnaly
web-emergency = Tötenşe jağdai
web-shred-heading = Qoimany joiu
web-shred-what = kıltter jiyntyğyn joiady, sonda eşteñe eşqaşan qaita aşylmaidy.
web-check-locked = tekseru bastalmai tūryp qoima qūlyptaldy
web-check = Tekseru
web-checking = { $total } jazbanyñ { $done }-ı tekserılude
web-check-none = Tekseru älı jürgızılmegen.
web-check-ok = Är jazba tekserıldı.
web-check-damage = Bülınu tabyldy: tömende qarañyz.
web-check-summary = { $records } jazba, { $parts } bölık, { $size } tekserıldı.
web-damaged-records = Bülıngen jazbalar
web-journal = Jurnal
web-journal-rewrite = Jurnaldy derekqordan pärmen joly arqyly qaita jazyñyz (README, «Maintain»):
web-custody-broken-at = Saqtau tızbegı { $seq }-oqiğada būzylğan
web-stray-objects = Eşbır jazba sıltemeitın { $count } nysan faily bar.
web-audit-verified = Tekserıldı: { $events } oqiğa, ärqaisysy qol qoiylğan jäne aldyñğysymen tızbektelgen.
web-audit-newest = Eñ jaña { $shown } oqiğa körsetıldı; barlyğyn myna pärmen körsetedı:
web-col-when = Qaşan
web-col-what = Ne
web-shred-words = kıltter jiyntyğyn joiu
web-shred-warning = Būl kıltter jiyntyğyn bırden joiady. Būl qoimadağy eşteñenı endı eşkım, eşbır qūpiia söz tırkesımen aşa almaidy. Kıltter jiyntyğynyñ basqa jerdegı köşırmelerı ony älı de aşady.
web-shred-type = Rastau üşın «{ $words }» dep terıñız
web-shred-all = Qoimanyñ bükıl katalogyn da öşıru
web-shred = Joiu
web-shredded = Joiyldy
web-shredded-stop = Kıltter jiyntyğy joiyldy. Veb-serverdı toqtatyñyz:
web-no-contacts = Äzırge kontaktıler joq.
web-name = Aty
web-sealed-to = Bumalar kımge mörlenedı
web-signs-with = Qol qoiu kıltı
web-remove = Öşıru
web-remove-one = Öşıru: { $name }
web-add-contact = Kontakt qosu
web-their-recipient = Onyñ aşyq kıltı (age1… nemese ssh-ed25519 …), oğan buma jıberu üşın
web-their-signing-key = Onyñ qoltañba kıltı (ssh-ed25519 …), odan buma qabyldau üşın
web-add-button = Qosu
web-choose-contact = kımmen bölısetınıñızdı tañdañyz
web-tick-records = bölısetın jazbalardy belgıleñız
web-bundle-ready = Buma daiyn
web-bundle-summary = { $records } jazba, { $files } fail, { $size }; kontakt üşın mörlenıp, osy qoima qol qoiğan.
web-bundle-sha256 = Bumanyñ SHA-256 heşı:
web-metadata-removed = Metaderekter (EXIF, GPS) mynalardan alyndy:
web-metadata-kept = Būl faildarda Amanat alyp tastai almaityn metaderekter boluy mümkın:
web-mentions-witness = Būl kuälıkterde kuägerdıñ kody atalady, olar sol küiınde ketedı:
web-bundle-download = Bumany jüktep alu
web-bundle-once = (bır ret: jüktep alynğanda mūnan öşırıledı)
web-bundle = Buma
web-receive-file = Serıktes jıbergen buma (.age faily)
web-verify = Tekseru
web-receive-hint = Aldymen ol tekserıledı (qoltañbasy jäne ışındegı är fail) jäne körsetıledı; sız aitpaiynşa eşteñe importtalmaidy.
web-one-bundle = bundle dep atalğan bır fail jıberıñız
web-bundle-partial = buma tolyq kelmedı
web-bundle-verified = Buma tekserıldı
web-bundle-imported = Buma importtaldy
web-signed-by = Qol qoiğan
web-not-a-contact = ol sızdıñ kontaktılerıñızde joq
web-made-at = jasalğan uaqyty { $time }.
web-imported-before = Būl buma mūnda { $date } importtalğan.
web-col-custody-events = Saqtau oqiğalary
web-already-here = mūnda bar
web-events-verified = { $count } tekserıldı
web-trust-signer = Būl qol qoiuşyğa senıp, ony kontakt retınde qosu
web-restore-removed = Sodan berı mūnda öşırılgen { $count } jazbany qaitaru
web-import = İmporttau
web-records-added = { $count } jazba qosyldy.
web-to-records = Jazbalarğa
web-sealing = Mörlenude…
web-not-added = Qosylmady:
web-broke-off = Amanat-pen bailanys üzıldı.
web-bytes-unit = bait
web-about-record = Jazba turaly
web-title-required = Atauy (mındettı)
web-tags-commas = Belgıler, ütır arqyly
web-witness-pseudonym = Kuäger kody (bürkenşık at, eşqaşan şyn aty emes)
web-testimony = Kuälık
web-testimony-type = Kuälıktı terıñız nemese qoiyñyz
web-testimony-file = …nemese onyñ failyn tañdañyz
web-identity = Kuäger kım
web-identity-what = Aty-jönı jäne bailanys joly: tek jeke bas saqtauşylary üşın mörlenedı, mūnda eşqaşan körsetılmeidı
web-identity-hint = Bır kuägerdıñ jazbalary kuäger kody arqyly bailanysady; kod jasalsyn deseñız, ony bos qaldyryñyz.
web-attachments = Qosymşalar
web-attachments-what = Audio jazbalar, skanerler, qūjattar
web-drop = Nemese faildardy osynda süirep äkelıñız
web-drop-hint = Faildar kelgen boida mörlenedı; diskıge oqylatyn eşteñe jazylmaidy.
web-add-noscript = Jazba qosu üşın osy bettıñ skriptı kerek (ony Amanat özı beredı, syrttan eşteñe jüktelmeidı).
web-seal = Jazbany mörleu
web-field-too-long = örıs { $kib } KiB-tan ūzyn
web-add-locked = Qosylmady: qoima qūlyptalğan edı. Ony aşyp, jazbany qaita qosyñyz.
web-upload-cut = jükteu faildar tızımınen būryn üzıldı
web-upload-unannounced = jükteu habarlamağan faildardy jıberdı
web-sealing-stopped = mörleu toqtady
web-one-testimony = jazbada bır kuälık bolady: ony terıñız nemese failyn tañdañyz, ekeuın bırdei emes
web-too-many-files = { $max } faildan köp
web-bad-file-name = qoima saqtai almaityn fail aty: { $name }
web-ocr-done = Mätın tanyldy
web-ocr-nothing = Jañadan tanityn eşteñe joq: { $already } skanerde mätın būrynnan bar, { $none } skanerde mätın joq, { $other } bölık skaner emes.
web-back-to-record = Jazbağa oralu
web-gone-keyring-changed = Būl server jūmys ıstep tūrğanda kıltter jiyntyğy öşırıldı nemese auystyryldy (shred): ol qoimany bosatyp, kıltterın öşırdı.
web-gone-shredded = Qoima joiyldy: onyñ kıltter jiyntyğy joiyldy.
web-not-held = būl server endı qoimany ūstamaidy
web-refused-host = Būl server tek `amanat serve` basyp şyğarğan mekenjaiğa jauap beredı.
web-refused-site = Basqa saittan kelgen sūrau.
web-refused-origin = Basqa közden kelgen sūrau.
web-refused-token = Būl `amanat serve` osy ıske qosu üşın basyp şyğarğan token emes.
web-refused-used = Būl mekenjai būryn aşylğan, ol bır ret qana jaramdy. Qoimany brauzerdıñ basqa terezesınde aşu üşın `amanat serve` toqtatyp, qaita ıske qosyñyz.
web-refused-no-session = `amanat serve` basyp şyğarğan mekenjaidy tokenımen aşyñyz.
web-refused-csrf = Būl sūrauda formanyñ tokenı joq: bettı qaita jüktep, qaitalañyz.
web-closed = Jabyq
web-not-found = Tabylmady
web-not-found-what = Būl qoimada mūndai jazba nemese bölık joq.
web-refused = Bas tartyldy
web-busy = Bos emes
web-busy-what = Amanat bır uaqytta oryndaityn jükteu men jüktep aludyñ bärı jürıp jatyr: bıreuı aiaqtalğanda qaitalañyz.

## Command-line help: `cmd-<path>`, `arg-<path>-<argument>` (src/cli/help.rs)

cmd-amanat = Kuälıkter men skanerlengen qūjattarğa arnalğan şifrlanğan qoima
cmd-amanat-long = Kuälıkter men skanerlengen qūjattarğa arnalğan şifrlanğan qoima.

    Är jazba age arqyly mörlenedı; ataular, esımder, oryndar, mätınder jäne fail ataulary diskıge eşqaşan şifrlanbağan küide tüspeidı. Şyğu kodtary: 0 — sättı, 1 — tekseruden ötpedı nemese eşteñe tabylmady, 2 — qoldanu qatesı nemese basqa qate.
arg-amanat-vault = Qoima katalogy [ädepkı: platformanyñ derekter katalogy, mysaly ~/.local/share/amanat]
arg-amanat-keyring = Kıltter jiyntyğynyñ faily, eger jiyntyq alynbaly tasymaldağyşta saqtalsa [ädepkı: DIR/keyring]
arg-amanat-passphrase_file = Qūpiia söz tırkesın sūramai, FILE failynyñ bırınşı jolynan oqu
arg-amanat-lang = Habarlamalar tılı: en, ru, kk (qazaqşa, kirill), kk-Latn (qazaqşa, latyn), ug (ūiğyrşa) [ädepkı: AMANAT_LANG, sodan keiın jüienıñ tılı, sodan keiın ağylşynşa]
cmd-tour = Bükıl jūmys barysyn uaqytşa katalogta kırıstırılgen ülgı derektermen oryndap körsetu
cmd-init = Jaña qoima jäne onyñ qūpiia söz tırkesımen mörlengen kıltter jiyntyğyn jasau
arg-init-kdf_work_factor = Qūpiia söz tırkesınıñ scrypt jūmys koeffitsientı (log2 N) [ädepkı: osy kompiuterde şamamen bır sekund alatyndai beiımdeledı]; 16-dan tömenı älsız, tek synaqtarğa arnalğan
arg-init-recipients = Är jazbany osy age (age1…) nemese ssh-ed25519 aluşysyna da mörleu, mysaly ştabtyñ saqtyq kıltıne (qaitalauğa bolady); --collector bolsa, tek osylar ğana aluşy bolady. age1… kıltterın tañdañyz: är mörlengen fail ssh-ed25519 aluşysyn onyñ aşyq kıltınen eseptelgen säikestendırgış arqyly ataidy, sondyqtan faildardy köşırıp alğan jäne sol aşyq kıltı bar kez kelgen adam olardyñ sol aluşyğa mörlengenın bıle alady (age1… aluşysy atalmaidy)
arg-init-identity_recipients = Kuägerdıñ jeke basy turaly bölıkterdı osy aluşyğa — jeke bas saqtauşysyna mörleu (qaitalauğa bolady) [ädepkı: qoimanyñ öz kıltı]. age1… kıltterın tañdañyz: jeke basy turaly är bölık ssh-ed25519 saqtauşysyn onyñ aşyq kıltınen eseptelgen säikestendırgış arqyly ataidy, sondyqtan qoimany aşqan jäne sol aşyq kıltı bar kez kelgen adam saqtauşynyñ kım ekenın bıle alady
arg-init-collector = Jinauşy jasau: jinağanyn --recipient kıltterıne mörleitın jäne ony aşa alatyn bırde-bır kıltı joq qūrylğy
arg-init-allow_weak_passphrase = Boljap tabuğa 10^10-nan az äreket jetuı mümkın dep bağalanğan qūpiia söz tırkesın qabyldau (saqtau jurnaly onyñ älsız bolğanyn jazyp qoiady)
cmd-add = Bır jazbany mörleu (kuälık, qosymşalar, metaderekter); onyñ id-ın şyğarady
arg-add-title = Jazbanyñ atauy
arg-add-tags = Belgı (qaitalauğa bolady)
arg-add-witness = Kuägerdıñ bürkenşık kody (eşqaşan esımı emes)
arg-add-language = Kuälıktıñ tılı
arg-add-place = Oqiğalar bolğan nemese sūhbat alynğan oryn
arg-add-date = Sūhbat alynğan kün, YYYY-MM-DD
arg-add-interviewer = Sūhbatty kım jürgızdı
arg-add-note = Erkın mätındı eskertpe
arg-add-testimony = Kuälık mätını bar fail; - standartty kırıstı oqidy
arg-add-identity = Kuägerdıñ kım ekenı (esımı, bailanys derekterı, mekenjaiy; mätın nemese JSON), tek jeke bas saqtauşylaryna mörlenedı; --witness bolmasa, kezdeisoq kuäger kody berıledı
arg-add-attachments = Qosymşalar: skanerlengen qūjattar, fotosuretter, audio, beine, PDF, kez kelgen ölşemde
arg-add-ocr = Sodan keiın jazbanyñ skanerlengen qūjattaryndağy mätındı onyñ --language tılınde tanu (`amanat ocr` siiaqty); tanu qalai aiaqtalsa da, jazba qosylady, tanu tek eskertu beredı
cmd-ingest = JSON Lines failynan jazbalardy jappai importtau
arg-ingest-file = JSON Lines faily: är jolda bır jazba, title, tags, witness, language, place, date, interviewer, note, testimony (fail joly) jäne attachments (fail joldary) örısterımen; fail joldary osy faildyñ katalogyna qatysty berıledı
arg-ingest-strict = Qate jol turaly habarlap, jalğastyrudyñ ornyna bırınşı qate jolda toqtau
arg-ingest-json = Qorytyndyny JSON retınde şyğaru
arg-ingest-ocr = Sodan keiın jazbalardyñ skanerlengen qūjattaryndağy mätındı tanu (`amanat ocr` siiaqty); Tesseract bolmasa da jazbalar importtalady, al eskertu nenı ornatu kerektıgın aitady
cmd-ocr = Skanerlengen qūjattardyñ (suretter men PDF) mätının osy qūrylğyda Tesseract arqyly tanu jäne ony jazbamen bırge mörlep saqtau, ızdeu ony sol jerden tabady
arg-ocr-ids = Skanerlengen qūjattary tanylatyn jazbalardyñ id-lerı (nemese bırmändı prefiksterı)
arg-ocr-all = Barlyq jazbalardyñ skanerlengen qūjattaryn tanu
arg-ocr-language = Tanylatyn tılder, mysaly kk,ru: kk — qazaqşa (kirill), ru — orysşa, ug — ūiğyrşa, zh — qytaişa (jeñıldetılgen), en — ağylşynşa nemese ornatylğan kez kelgen Tesseract tılı (ara, uzb…) [ädepkı: är jazbanyñ öz --language tılı, bolmasa qoimanyñ ädepkı tılderı, bolmasa beseuı de]
arg-ocr-set_default_languages = Qoimanyñ ädepkı tılderın ornatu (tılı olardyñ eşqaisysyna säikes kelmeitın jazbalar üşın) nemese beseuınıñ bärı üşın `all`; sodan keiın şyğu
arg-ocr-json = Qorytyndyny JSON retınde şyğaru
cmd-list = Jazbalar tızımı (şifrlanğan katalogtan)
arg-list-tag = Tek osy belgısı bar jazbalar (bas-kışı ärıpke qaramai)
arg-list-witness = Tek osy kuäger kodynyñ jazbalary
arg-list-since = Tek sūhbat künı (ol bolmasa, qosylğan künı) DATE nemese odan keiın bolğan jazbalar
arg-list-until = Tek sūhbat künı (ol bolmasa, qosylğan künı) DATE nemese odan būryn bolğan jazbalar
arg-list-json = JSON şyğaru
cmd-show = Jazbanyñ metaderekterın jäne är bölıgın ölşemı men SHA-256 heşımen körsetu
arg-show-id = Jazbanyñ id-ı nemese onyñ bırmändı prefiksı
arg-show-json = JSON şyğaru
cmd-search = Atauynda, belgılerınde, ornynda, eskertpesınde, kuälıgınde nemese tanylğan mätınınde (`amanat ocr`) är söz bar jazbalardy tabu
arg-search-query = Izdeletın sözder (barlyğy kezdesuı kerek; bas-kışı ärıpke qaramai; kez kelgen jazuda)
arg-search-json = JSON şyğaru
cmd-get = Jazbanyñ bır bölıgınıñ şifryn şeşıp, failğa jazu (nemese -o - arqyly stdout-qa)
arg-get-id = Jazbanyñ id-ı nemese onyñ bırmändı prefiksı
arg-get-part = `testimony`, qosymşanyñ fail atauy nemese `show` tızımdegendegı rettık nömırı
arg-get-output = Şifry şeşılgen mazmūndy qaida jazu; - standartty şyğys degendı bıldıredı
arg-get-force = PATH būrynnan bar bolsa, ony auystyru
cmd-rm = Jazbany jäne onyñ mörlengen nysandaryn öşıru
arg-rm-ids = Jazbalardyñ id-lerı nemese olardyñ bırmändı prefiksterı. Öşıru şynymen joiady: jurnal men derekqor qoimanyñ eşbır failynda jazbalardyñ mörlengen mänderı qalmaityndai etıp qaita jazylady; būl ülken qoimada bırneşe sekund alady, berılgen barlyq id üşın bır ret. Köşırmede būryn jıberılgenı saqtalyp qalady (README, «Replicas»)
cmd-keys = Qoimanyñ aşyq kıltterın şyğaru: age aluşysy, ssh-ed25519 qoltañba kıltı, sausaq ızı
arg-keys-json = JSON şyğaru
cmd-check = Är bölıktı aşyp, onyñ SHA-256 heşın jäne audit jurnalyn tekseru; bır närse bülıngen bolsa, şyğu kody 1
arg-check-json = Eseptı JSON retınde şyğaru
cmd-audit = Saqtau tızbegın körsetu (är oqiğa qol qoiylğan jäne heşpen tızbektelgen) nemese ony tekseru
arg-audit-record = Tek osy jazbanyñ tarihy (id nemese bırmändı prefiks)
arg-audit-verify = Heş tızbegın, är qoltañbany jäne är uaqyt belgısın tekserıp, belgılerdıñ är oqiğa turaly nenı däleldeitının körsetu; bırınşı üzılgen buynda nemese oqiğa özınen būryn saqtalğan belgıden erterek uaqytty körsetse, şyğu kody 1
arg-audit-trust = --verify parametrımen: uaqyt belgılerı üşın qoimanyñ `tsa list` tızımıne emes, tek osy faildağy sertifikattarğa senu (PEM nemese DER; qaitalauğa bolady), öitkenı ol tızımdı qoimanyñ kıltterı bar kez kelgen adam özgertuı mümkın edı
arg-audit-json = JSON şyğaru
cmd-passwd = Qūpiia söz tırkesın auystyru; eskı kıltter jiyntyğynyñ baittary ornynda qaita jazylady
arg-passwd-new_passphrase_file = Jaña qūpiia söz tırkesın sūramai, FILE failynyñ bırınşı jolynan oqu
arg-passwd-kdf_work_factor = Jaña qūpiia söz tırkesınıñ scrypt jūmys koeffitsientı (log2 N) [ädepkı: kıltter jiyntyğynyñ qazırgı koeffitsientı]; 16-dan tömenı älsız, tek synaqtarğa arnalğan. Jaña jūmys koeffitsientı kıltter jiyntyğynyñ ekı ūiaşyğyn da qaita mörleidı, sondyqtan qysym kezındegı qūpiia söz tırkesı joiylady
arg-passwd-allow_weak_passphrase = Boljap tabuğa 10^10-nan az äreket jetuı mümkın dep bağalanğan jaña qūpiia söz tırkesın qabyldau (saqtau jurnaly onyñ älsız bolğanyn jazyp qoiady)
cmd-rotate = Jaña kıltter: är jazbany, nysandy, katalog elementın jäne jurnal elementın solarğa qaita mörleu (üzılse, jalğastyruğa bolady). Aldymen jinauşylarda saqtalğannyñ bärın tapsyryp alyñyz: eskı kıltke mörlengendı keiın aşu mümkın emes
arg-rotate-json = Eseptı JSON retınde şyğaru
cmd-shred = Tötenşe jağdai: eşteñe aşylmaityndai etıp kıltter jiyntyğyn bırden joiu (--all: bärın öşıru)
arg-shred-yes = Rastaudy sūramau
arg-shred-all = Derekqor men mörlengen nysandardy da öşıru
cmd-rebuild = Bülıngen derekqordy jurnaldan qaita jasau (--journal: jurnaldy derekqordan)
arg-rebuild-journal = Onyñ ornyna jurnaldy derekqordan qaita jazu
arg-rebuild-json = Eseptı JSON retınde şyğaru
cmd-duress = Qysym kezındegı qūpiia söz tırkesı: nağyz qoimany joiyp, bos aldamşy qoimany aşady
cmd-duress-set = Qysym kezındegı qūpiia söz tırkesın tırkeu: onymen aşu nağyz kıltter jiyntyğy men jazbalardy joiady, sodan keiın bos aldamşy qoimany aşady (aldymen README oqyñyz)
arg-duress-set-duress_passphrase_file = Qysym kezındegı qūpiia söz tırkesın sūramai, FILE failynyñ bırınşı jolynan oqu
arg-duress-set-allow_weak_passphrase = Boljap tabuğa 10^10-nan az äreket jetuı mümkın dep bağalanğan qysym kezındegı qūpiia söz tırkesın qabyldau (saqtau jurnaly onyñ älsız bolğanyn jazyp qoiady)
cmd-contact = Serıktester men buma jıberuşılerın basqaru
cmd-contact-add = Serıktestı (oğan eksporttau üşın) nemese jıberuşını (odan importtau üşın) qosu
arg-contact-add-name = Kontaktınıñ atauy, mysaly serıktes ūiymnyñ aty
arg-contact-add-recipients = Osy kontaktıge arnalğan bumalar mörlenetın age (age1…) nemese ssh-ed25519 aluşysy (qaitalauğa bolady). age1… kıltterın tañdañyz: buma ssh-ed25519 aluşysyn onyñ aşyq kıltınen eseptelgen säikestendırgış arqyly ataidy, sondyqtan bumany jolda ūstap alğan jäne sol aşyq kıltı bar kez kelgen adam onyñ kımge arnalğanyn bıle alady (age1… aluşysy atalmaidy)
arg-contact-add-signing_key = Būl kontakt bumalarğa qol qoiatyn 'ssh-ed25519 AAAA…' kıltı (onyñ `amanat keys` şyğarğany)
cmd-contact-list = Kontaktıler tızımı
arg-contact-list-json = JSON şyğaru
cmd-contact-rm = Kontaktını öşıru
cmd-export = Kontakt üşın jazbalardyñ qol qoiylğan, şifrlanğan, jeke mälımetterı alynğan bumasyn jazu
arg-export-to = Eksporttaityn kontakt (`amanat contact list` qarañyz); jinauşy onyñ ornyna öz aluşylaryna tapsyru bumasyn jazady jäne --to qabyldamaidy
arg-export-all = Barlyq jazbany eksporttau
arg-export-tag = Osy belgısı bar jazbalardy eksporttau
arg-export-witness = Osy kuäger kodynyñ jazbalaryn eksporttau
arg-export-ids = Eksporttalatyn jazbalar (id-ler nemese bırmändı prefikster)
arg-export-output = Jazylatyn buma faily (--remote körsetılgen jinauşy ony körsetpeuı mümkın)
arg-export-remote = Jinauşyda: tapsyru bumasyn osy qaşyqtağy qoimanyñ kırıs jäşıgıne jıberu (`amanat remote add`); --remove-after bolsa, jazbalar buma jetkennen keiın ğana öşırıledı
arg-export-with_identities = Kuägerlerdıñ jeke basy turaly bölıkterdı qosu (būl qūrylğyda jeke bas saqtauşysynyñ kıltı boluy kerek)
arg-export-keep_metadata = Suretterdıñ metaderekterın (EXIF, GPS, XMP, …) öşırmei saqtau
arg-export-with_ocr = Skanerlengen qūjattardan tanylğan mätındı (`amanat ocr`) qosu, äitpese ol qosylmaidy: ony maşina oqyğan, onda qateler jäne skanerlengen qūjattağy esımder boluy mümkın
arg-export-remove_after = Jinauşyda: buma senımdı jazylğannan keiın eksporttalğan jazbalardy öşıru
arg-export-json = Eseptı JSON retınde şyğaru
cmd-verify = Bumanyñ qoltañbasyn jäne ondağy är faildy tekserıp, onyñ ışınde ne baryn körsetu
arg-verify-file = Buma faily
arg-verify-from = Bumağa qol qoiuy tiıs kontakt [ädepkı: kez kelgen belgılı kontakt]
arg-verify-trust_signer = Älı kontakt emes qol qoiuşyny qabyldap, ony kontakt retınde qosu (aldymen onyñ sausaq ızın jıberuşımen salystyryñyz)
arg-verify-restore_removed = Būryn importtalğan bumanyñ sodan berı mūnda öşırılgen jazbalaryn qaitaru
arg-verify-json = JSON şyğaru
cmd-import = Bumany tekserıp, sodan keiın onyñ jazbalaryn osy qoimağa qosu — bärın nemese eşqaisysyn
arg-import-file = Buma faily
arg-import-from = Bumağa qol qoiuy tiıs kontakt [ädepkı: kez kelgen belgılı kontakt]
arg-import-trust_signer = Älı kontakt emes qol qoiuşyny qabyldap, ony kontakt retınde qosu (aldymen onyñ sausaq ızın jıberuşımen salystyryñyz)
arg-import-restore_removed = Būryn importtalğan bumanyñ sodan berı mūnda öşırılgen jazbalaryn qaitaru
arg-import-json = JSON şyğaru
cmd-tsa = RFC 3161 uaqyt belgısı ortalyqtaryn basqaru (`amanat timestamp` qarañyz)
cmd-tsa-add = RFC 3161 uaqyt belgısı ortalyğyn qosu; ol qol qoiğan belgılerge senım artylady
arg-tsa-add-name = Ortalyqtyñ atauy
arg-tsa-add-url = Onyñ mekenjaiy, mysaly https://freetsa.org/tsr
arg-tsa-add-cert = Ortalyqtyñ nemese onyñ kuälandyruşy ortalyğynyñ (CA) sertifikaty, PEM nemese DER (ortalyqtan özıñız senetın arna arqyly alynğan): belgı oğan qol qoiuşy osylardyñ bırı bolsa nemese osylardyñ bırı bergen sertifikaty bolsa ğana saqtalady
arg-tsa-add-timeout = Onyñ jauabyn qanşa sekund kütu
cmd-tsa-list = Ortalyqtar tızımı
arg-tsa-list-json = JSON şyğaru
cmd-tsa-remove = Ortalyqty öşıru (ol bergen belgıler jurnalda qalady)
cmd-tsa-local-authority = Uaqyt belgılerın baiqap köruge jäne synaqtarğa arnalğan 127.0.0.1 mekenjaiyndağy uaqytşa ortalyq: DIR ışınde `openssl` arqyly CA jäne TSA sertifikattaryn jasaidy, öz mekenjaiyn jäne DIR/ca.pem şyğarady jäne toqtatylğanşa `openssl ts -reply` arqyly jauap beredı
cmd-timestamp = Uaqyt belgısı ortalyqtarynan saqtau jurnalynyñ däl qazır bar ekenın däleldeitın belgıler sūrau, sonda keiın tärkılengen kılt tarihty ötken künmen özgerte almaidy; eşqaisysy belgı bermese, şyğu kody 1
arg-timestamp-tsa = Jurnal būrynnan belgımen qamtylğan bolsa da, tek osy ortalyqtan sūrau (onyñ `amanat tsa list` ışındegı atauy nemese mekenjaiy)
arg-timestamp-json = Nätijenı JSON retınde şyğaru
cmd-remote = Mörlengen köşırmeler jıberıletın S3-üilesımdı sebetterdı (Garage klasterı) basqaru
cmd-remote-add = Mörlengen köşırmeler jıberıletın sebet qosady. Tırkelgı derekterı qoimada mörlenedı; qūrylğyğa tek kırıs jäşıgı sebetıne jaza alatyn kılt berıñız (README, «Replicas»)
arg-remote-add-bucket = Sebettıñ atauy
arg-remote-add-endpoint = S3 API URL mekenjaiy, mysaly http://10.0.0.5:3900 (Garage-dağy s3_api porty)
arg-remote-add-region = Server kütetın aimaq (Garage-dağy s3_region)
arg-remote-add-access_key_id = Qatynau kıltınıñ id-ı (Garage: `garage key info NAME`)
arg-remote-add-secret_file = Bırınşı jolynda qūpiia kılt jazylğan fail (qūpiia kılt eşqaşan pärmen jolynda berılmeidı)
arg-remote-add-timeout = Qosyludy jäne ondağy är oqu nemese jazu äreketın qanşa sekund kütu
arg-remote-add-escrow_keyring = Sondai-aq osy qoimanyñ kıltter jiyntyğyn onyñ basqa aluşylaryna (`init --recipient` kezınde berılgen ştabtyñ kıltıne) mörlep jıberu, sonda ştab qoimany osy qūrylğynyñ qūpiia söz tırkesınsız qalpyna keltıre alady (`restore --identity`). Sonda sol kıltı bar kez kelgen adam osy qoimanyñ katalogyn, saqtau jurnalyn jäne qoimağa mörlengen jeke basy turaly bölıkterdı aşa alady
cmd-remote-list = Qaşyqtağy qoimalardy ärqaisysyna soñğy ret qaşan jıberılgenımen qosa tızımdeidı
cmd-remote-rm = Qaşyqtağy qoimany (jäne būl qūrylğynyñ ol turaly este saqtağanyn) öşıredı; köşırmede jıberılgenı saqtalyp qalady
cmd-push = Qaşyqtağy qoimağa onda älı joq är mörlengen jazbany, nysandy jäne jurnal elementın jıberu (üzılse, jalğastyruğa bolady; tek jaza alatyn kıltpen jūmys ısteidı)
arg-push-name = Jıberıletın qaşyqtağy qoima [ädepkı: barlyq qaşyqtağy qoimalar]
arg-push-json = Qorytyndyny JSON retınde şyğaru
cmd-pull = Jinauşylar qaşyqtağy qoimağa jıbergen är tapsyru bumasyn (`export --remote`) bır ret importtau, ärqaisysyn tekserıp, bärın nemese eşqaisysyn
arg-pull-name = Bumalary importtalatyn qaşyqtağy qoima (ştabtyñ arhivke nemese kırıs jäşıgıne arnalğan kıltı). Tek belgılı kontakt qol qoiğan bumalar importtalady: aldymen är jinauşyny `amanat contact add NAME --signing-key …` arqyly qosyñyz
arg-pull-json = Qorytyndyny JSON retınde şyğaru
cmd-status = Är qaşyqtağy qoima boiynşa qai jazbalar älı eşbır jıberumen jıberılmegenın aitu
arg-status-json = JSON şyğaru
cmd-restore = Joğalğan qoimany jaña qūrylğyda onyñ köşırmesınen jäne kıltter jiyntyğynyñ saqtyq köşırmesınen qaita jasau (--vault DIR, --keyring BACKUP), sodan keiın ony tekseru
arg-restore-bucket = Köşırme saqtalğan sebet (arhiv nemese kırıs jäşıgı)
arg-restore-endpoint = S3 API URL mekenjaiy, mysaly http://10.0.0.5:3900 (Garage-dağy s3_api porty)
arg-restore-region = Server kütetın aimaq (Garage-dağy s3_region)
arg-restore-access_key_id = Qatynau kıltınıñ id-ı (Garage: `garage key info NAME`)
arg-restore-secret_file = Bırınşı jolynda qūpiia kılt jazylğan fail (qūpiia kılt eşqaşan pärmen jolynda berılmeidı)
arg-restore-timeout = Qosyludy jäne ondağy är oqu nemese jazu äreketın qanşa sekund kütu
arg-restore-push = Būrynğy jıberudı --list körsetetın nömırı boiynşa qalpyna keltıru
arg-restore-list = Köşırmede saqtalğan osy qoimanyñ jıberulerın tızımdeu (eñ jañasy bırınşı) jäne eşteñenı qalpyna keltırmeu. Tärkıleuden keiın tärkıleuge deiın jasalğan jıberudı qalpyna keltırıñız: qūrylğynyñ kıltı men qūpiia söz tırkesı bar kez kelgen adam jıberu qosa alady
arg-restore-identity = --keyring ornyna ştabtyñ kıltı (age jeke kılt faily (identity) nemese şifrlanbağan OpenSSH ed25519 jeke kıltı): qoima senımdı saqtauğa tapsyrğan kıltter jiyntyğymen (`remote add --escrow-keyring`), jaña qūpiia söz tırkesımen qalpyna keltıru
arg-restore-fingerprint = --identity parametrımen: qūrylğynyñ qoltañba kıltınıñ sausaq ızı (`SHA256:…`, ştab qūrylğyny tırkegen kezde qūrylğynyñ `amanat keys` şyğarğandai). Tek osy kıltpen saqtauğa tapsyrylğan jiyntyq qabyldanady: kırıs jäşıgıne jaza alatyn kez kelgen adam onda mūndai jiyntyq qaldyra alady. Qūrylğyda kıltter auystyrylğan bolsa — onyñ jaña sausaq ızı
arg-restore-new_passphrase_file = --identity parametrımen: bırınşı jolynda qalpyna keltırılgen qoimanyñ jaña qūpiia söz tırkesı jazylğan fail [ädepkı: sūralady nemese jasalady]
arg-restore-kdf_work_factor = --identity parametrımen: jaña kıltter jiyntyğynyñ scrypt jūmys koeffitsientı [ädepkı: beiımdeledı]; 16-dan tömenı älsız, tek synaqtarğa arnalğan
arg-restore-allow_weak_passphrase = --identity parametrımen: älsız jaña qūpiia söz tırkesın qabyldau
arg-restore-json = Qorytyndyny JSON retınde şyğaru
cmd-replica = Köşırmenı tekseru nemese kırıs jäşıgı sebetın arhivke köşıru (saqtauşynyñ jūmysy)
cmd-replica-check = Är jazba boiynşa köşırmede ne jetıspeitının nemese ne bülıngen küide saqtalğanyn aitady (sebettı oqyp, tızımın köre alatyn kılt kerek)
cmd-replica-sweep = Ūiymnyñ serverınde ıske qosylatyn saqtauşynyñ jūmysy: kırıs jäşıgı sebetındegı jañany arhiv sebetıne köşıredı; eşqaşan öşırmeidı jäne qaita jazbaidy. Qoima qajet emes
arg-replica-sweep-inbox = Qūrylğylar jazatyn sebet
arg-replica-sweep-archive = Tek osy jūmys jazatyn sebet
arg-replica-sweep-endpoint = S3 API URL mekenjaiy, mysaly http://10.0.0.5:3900 (Garage-dağy s3_api porty)
arg-replica-sweep-region = Server kütetın aimaq (Garage-dağy s3_region)
arg-replica-sweep-access_key_id = Qatynau kıltınıñ id-ı (Garage: `garage key info NAME`)
arg-replica-sweep-secret_file = Bırınşı jolynda qūpiia kılt jazylğan fail (qūpiia kılt eşqaşan pärmen jolynda berılmeidı)
arg-replica-sweep-timeout = Qosyludy jäne ondağy är oqu nemese jazu äreketın qanşa sekund kütu
cmd-serve = Qoimany osy kompiuterdegı veb-brauzerde aşu: aşylatyn mekenjaidy şyğarady (tek osy ıske qosuğa arnalğan qūpiiamen); qoima bette aşylady
arg-serve-listen = Tyñdaityn mekenjai: tek 127.0.0.1 nemese ::1 (basqasy qabyldanbaidy)
arg-serve-port = Tyñdaityn port (0: kez kelgen bos port; ony şyğarylğan mekenjai körsetedı)
arg-serve-idle_lock = Qoima osynşa uaqyt paidalanylmasa, ony qūlyptau: minut sany nemese s, m ne h jalğanğan san
cmd-completions = Qabyqşağa arnalğan avtotolyqtyru skriptın şyğaru: `amanat completions bash > ~/.local/share/bash-completion/completions/amanat` (README, «Install»)
arg-completions-shell = Qabyqşa (shell): bash, zsh, fish, elvish nemese powershell
cmd-manpage = Nūsqaulyq betın şyğaru (roff): `amanat manpage > ~/.local/share/man/man1/amanat.1`

## Pärmenderdıñ öz habarlamalary (src/cli/)

cli-weak-work-factor = eskertu: scrypt jūmys koeffitsientı { $w } älsız; ony tek synaqtarğa paidalanyñyz
cli-created = Qoima jasaldy: { $path }
cli-created-keyring = Kıltter jiyntyğy: { $path } (onyñ saqtyq köşırmesın jasañyz: onsyz eşteñe aşylmaidy)
cli-created-recipient = Aluşy: { $recipient }
cli-created-collector = Jinauşy: jazbalar { $count } aluşyğa mörlenedı; būl qūrylğy olardy aşa almaidy
cli-created-not-custodian = Jeke basy turaly bölıkter kıltı būl qūrylğyda joq saqtauşylarğa mörlenedı.
cli-created-fingerprint = Qoltañba kıltınıñ sausaq ızı: { $fingerprint }
cli-witness-assigned = Kuäger kody: { $code } (osy kuägerdıñ basqa jazbalary üşın ony --witness arqyly körsetıñız)
cli-progress-records = jazba
cli-line = { $line }-jol
cli-line-witness = { $code } kuäger kody berıldı
cli-line-truncated = kuälık { $mib } MiB-tan ūzyn; ızdeu onyñ tek basyn qamtidy
cli-ingested = { $added } jazba importtaldy; { $failed } jol sätsız aiaqtaldy.
cli-show-field = { $field ->
    [id] id
    [title] atauy
    [added] qosylğan
    [tags] belgıler
    [witness] kuäger
    [language] tılı
    [place] orny
    [date] künı
    [interviewer] sūhbat aluşy
    [note] eskertpe
    [provenance] şyğu tegı
    [parts] bölıkter
   *[custody] saqtau tızbegı
}
cli-show-provenance = jıbergen { $contact } ({ $signer }), { $bundle } bumasy, { $time } importtalğan
cli-bytes = { $n } bait
cli-show-recognised = [{ $source }] bölıgınen { $engine } arqyly tanylğan ({ $languages }, { $pages } bet), { $time }
cli-wrote-part = { $name } ({ $size } bait, SHA-256 tekserıldı) { $path } ışıne jazyldy
cli-removed = { $id } jazbasy öşırıldı
cli-rm-replicas = eskertpe: { $remotes } köşırmelerınde būryn jıberılgenı, sonyñ ışınde osy jazbalar da saqtalyp qalady; olardy ol jerde öşıru — saqtauşynyñ ısı (README, «Removal and replicas»).
cli-checked = { $records } jazba, { $parts } bölık, { $bytes } bait, { $events } audit oqiğasy tekserıldı: { $damaged } bülıngen{ $stray ->
    [0] {""}
   *[other] , { $stray } artyq nysan faily
}.
cli-check-backdated = eskertu: { $count } audit oqiğasy özderı jazylğan kezde jurnalda būrynnan bolğan uaqyt belgısınen erterek uaqytty körsetedı (ötken künmen jazylğan nemese būl qūrylğynyñ sağaty artta qalğan): `amanat audit --verify` qarañyz.
cli-check-unpadded = eskertpe: { $count } jazba 3-pışımge deiın mörlengen jäne diskıde özınıñ naqty ölşemın saqtaidy, būl olardy serıktestıñ köşırmesımen bailanystyruy mümkın: `amanat rotate` olardy ölşem klastarymen qaita mörleidı.
cli-check-journal = Jazbalarğa äser joq: `amanat rebuild --journal` jurnaldy derekqordan qaita jazady.
cli-check-database = Derekqordyñ özındegı (nysan faildaryndağy emes) bülınudı derekqordy jurnaldan qaita jasaityn `amanat rebuild` tüzete alady; odan keiın `amanat check` pärmenın qaita oryndañyz.
cli-contact-added = { $name } kontaktısı qosyldy
cli-contact-added-key = { $name } kontaktısı qosyldy (qoltañba kıltı { $fingerprint })
cli-contact-line = aluşylar: { $recipients }  qoltañba kıltı: { $fingerprint }
cli-contact-removed = { $name } kontaktısı öşırıldı
cli-export-no-tsa = Uaqyt belgısı ortalyğy baptalmağan: bumada uaqyt belgısı joq (`amanat tsa add` qarañyz).
cli-export-tokens = Buma öz jazbalarynyñ saqtau oqiğalaryn qamtityn { $count } uaqyt belgısın alyp jüredı.
cli-exported = { $records } jazba ({ $files } fail, { $bytes } bait) { $contact } üşın { $path } ışıne eksporttaldy
cli-bundle-line = Buma { $id }  sha256:{ $sha256 }
cli-export-pseudonyms = Kuäger kodtary osy serıktes üşın bürkenşık attarmen auystyryldy; jeke basy turaly bölıkter qosylmady.
cli-export-cleaned = surettıñ metaderekterı alyndy: { $what }
cli-export-mentions = ESKERTU: { $what } mätınınde öz kuägerınıñ kody atalady, al eksport ony özgertpeidı
cli-export-not-cleaned = ESKERTU: { $what } — { $format } pışımınde, onda Amanat alyp tastamaityn metaderekter boluy mümkın
cli-remote-inbox = { $remote } qaşyqtağy qoimasynyñ kırıs jäşıgı
cli-transfer-written = { $records } mörlengen jazbadan tūratyn tapsyru bumasy ({ $bytes } bait) jazyldy: { $to }
cli-transfer-removed = Sol { $records } jazba būl jinauşydan öşırıldı.
cli-verify-new-contact = , jaña kontakt
cli-verify-identities = būl buma özınde kuägerlerdıñ jeke basy turaly mälımetter bar ekenın aitady
cli-verify-parts = { $parts } bölık, { $bytes } bait
cli-verify-present = mūnda bar
cli-verify-stamp = { $authority } qoltañbasy boiynşa, { $entry }-saqtau oqiğasy ({ $kind }, körsetken uaqyty { $claimed }) { $time } kezınde bar bolğan
cli-verify-untrusted = būl qoima senbeitın ortalyq: oğan süienu üşın ony `amanat tsa add` arqyly qosyñyz
cli-verify-claims-later = ESKERTU: oqiğa belgı däleldegen bar bolu uaqytynan keiınırek uaqytty körsetedı: jıberuşınıñ sağaty alda bolğan nemese belgınıñ uaqyty jalğan
cli-imported-before = Būl buma mūnda { $date } importtalğan.
cli-imported-before-removed = Būl buma mūnda { $date } importtalğan; sodan berı onyñ { $count } jazbasy öşırıldı, olar tek --restore-removed arqyly qaitarylady.
cli-verified = Tekserıldı: qoltañba, är faildyñ ölşemı men SHA-256 heşı, är jazbanyñ saqtau tızbegı{ $stamps ->
    [yes] , är uaqyt belgısı jäne ol qamtityn oqiğalar
   *[no] {""}
}. İmport { $new } jazba qosar edı.
cli-already-imported = { $date } importtalğan, { $records } jazba; ısteitın eşteñe joq.
cli-imported = { $added } jazba importtaldy; { $present } jazba mūnda būrynnan bar edı.
cli-verify-bundle = buma { $id }  jasalğan uaqyty { $created }
cli-verify-signed = qol qoiğan: { $contact } ({ $signer })

## Audit jurnalynyñ oqiğalary sözben (src/cli/audit.rs)

ev-record = { $id } jazbasy
ev-weak = älsız qūpiia söz tırkesı, --allow-weak-passphrase arqyly qabyldandy
ev-collector-created = jinauşy qoima jasaldy{ $weak }
ev-vault-created = qoima jasaldy{ $weak }
ev-record-collected = { $via } arqyly qosyldy (jinalğan: bölıkterınıñ ölşemderı men heşterı ştabqa mörlengen)
ev-record-added = { $via } arqyly { $parts } bölıkpen qosyldy, sha256 { $hashes }
ev-part-read = { $part }-bölıktıñ ({ $kind }) şifry şeşıldı
ev-part-read-to = { $part }-bölıktıñ ({ $name }) şifry şeşılıp, { $to } ışıne jazyldy
ev-identity-read = { $record } jazbasynyñ jeke basy turaly bölıgınıñ şifry şeşılıp, { $to } ışıne jazyldy
ev-record-removed = öşırıldı
ev-record-exported = { $bundle } bumasynda { $id } retınde eksporttaldy{ $contact }
ev-record-imported = { $from } jıbergen { $bundle } bumasynan importtaldy{ $contact }
ev-bundle-exported = { $records } jazbaly { $bundle } bumasy, sha256 { $sha256 }{ $contact }
ev-bundle-imported = { $from } jıbergen { $bundle } bumasy{ $contact }: { $records } jazbanyñ { $added } qosyldy
ev-contact-added = { $name } kontaktısı qosyldy
ev-contact-removed = { $name } kontaktısı öşırıldı
ev-timestamped = alğaşqy { $events } oqiğa { $time } kezınde bar bolğan, oğan { $tsa } ortalyğy qol qoidy (RFC 3161 belgısı)
ev-tsa-added = { $tsa } uaqyt belgısı ortalyğy qosyldy ({ $url })
ev-tsa-removed = { $tsa } uaqyt belgısı ortalyğy öşırıldı
ev-passphrase-changed = qūpiia söz tırkesı auystyryldy{ $weak }
ev-keys-rotated = kıltter auystyryldy; jaña qoltañba kıltı { $fingerprint }
ev-record-resealed = qoimanyñ jaña kıltterıne qaita mörlendı
ev-text-recognised = { $source }-bölıktıñ mätını { $engine } arqyly ({ $languages }) tanylyp, { $part }-bölık retınde saqtaldy, sha256 { $sha256 }
ev-duress-set = qysym kezındegı qūpiia söz tırkesı tırkeldı{ $weak }
cli-audit-verifies = Audit jurnaly tekseruden öttı: { $events } oqiğa, ärqaisysy qol qoiylğan jäne aldyñğysymen bailanysqan.
cli-audit-broken = Audit jurnaly tekseruden ötpedı: { $seq }-oqiğağa deiıngı oqiğalar bütın; būl turaly habarlap, qoimany saqtyq köşırmeden qalpyna keltırıñız.
cli-proof-event = { $seq }-oqiğa
cli-proof-events = { $from }-{ $to } oqiğalary
cli-proof-existed = { $time } kezınde bar bolğan, mūny { $stamp }-oqiğadağy { $authority } qol qoiğan belgı däleldeidı
cli-proof-none = älı uaqyt belgısı joq
cli-proof-flagged = KÜDIKTI { $seq }-oqiğa: ol { $time } uaqytyn körsetedı, bıraq { $why }
cli-proof-flag-why = { $kind ->
    [before] ol { $stamp }-oqiğadağy { $time } belgısınen keiın jazylğan: ol ötken künmen jazylğan nemese būl qūrylğynyñ sağaty { $minutes } minuttan artyq artta qalğan
    [after] ony { $stamp }-oqiğadağy { $time } belgısı qamtidy, būl onyñ sol kezde bar bolğanyn däleldeidı: būl qūrylğynyñ sağaty { $minutes } minuttan artyq alda bolğan nemese belgınıñ uaqyty jalğan
   *[other] ol özı qamtityn { $stamp }-oqiğadağy { $time } belgısınen eskırek belgı: ekı ortalyqtyñ bırınıñ uaqyty jalğan
}
cli-proof-untrusted = { $seq }-oqiğa: { $authority } bergen { $time } belgısı eşbır senımdı sertifikatqa aparmaidy: būl jerde ol eşteñe däleldemeidı
cli-prompt-passphrase = Qūpiia söz tırkesı
cli-prompt-new = Jaña qūpiia söz tırkesı
cli-prompt-duress = Qysym kezındegı qūpiia söz tırkesı
cli-prompt-keyring = Kıltter jiyntyğynyñ qūpiia söz tırkesı
cli-prompt-restored = Qalpyna keltırılgen qoimanyñ jaña qūpiia söz tırkesı
cli-same-passphrase = jaña qūpiia söz tırkesı eskısımen bırdei
cli-duress-same = qysym kezındegı qūpiia söz tırkesı qoimanyñ qūpiia söz tırkesınen özgeşe boluy kerek: basqasyn tañdañyz
cli-passphrase-changed = Qūpiia söz tırkesı auystyryldy; eskı kıltter jiyntyğynyñ baittary ornynda qaita jazyldy.
cli-duress-dropped = Qysym kezındegı qūpiia söz tırkesı endı jūmys ıstemeidı: jaña jūmys koeffitsientı ekı ūiaşyqty da qaita mörleidı. Kerek bolsa, ony `amanat duress set` arqyly qaita tırkeñız.
cli-shred-no-terminal = shred kıltter jiyntyğyn bırjola joiady: terminalsyz rastau üşın --yes körsetıñız
cli-shred-confirm = Būl kıltter jiyntyğyn joiady: būl qoimadağy eşteñenı endı eşkım aşa almaidy. Jalğastyru üşın SHRED dep terıñız:
cli-shred-kept = Eşteñe joiylmady.
cli-shredded-all = Joiyldy: kıltter jiyntyğy joiyldy, qoima öşırıldı.
cli-shredded = Joiyldy: kıltter jiyntyğy joiyldy; qalğany — eşteñe aşa almaityn şifrmätın.
cli-duress-set = Qysym kezındegı qūpiia söz tırkesı tırkeldı. Onymen aşu osy qoimanyñ kıltter jiyntyğy men jazbalaryn joiyp, bos qoimany aşady.
cli-rotated = { $resumed ->
    [yes] Kıltterdı auystyru jalğastyrylyp, aiaqtaldy:
   *[no] Kıltter auystyryldy:
} { $records } jazba ({ $objects } nysan) jaña kıltterge qaita mörlendı; jeke basy turaly { $resealed } bölık qaita mörlendı, { $kept } bölık osy qūrylğyda joq saqtauşylarğa mörlengen küiınde qaldy. Eskı kıltter joiyldy.
cli-rotated-signing = Serıktesterge joğarydağy jaña qoltañba kıltın berıñız: būl qoimadan şyğatyn bumalarğa endı sol kıltpen qol qoiylady.
cli-rotated-recipient = Būl qoimağa mörleitın jinauşylar men serıktester joğarydağy jaña aluşyny paidalanuy kerek: eskısıne mörlengendı mūnda endı aşu mümkın emes.
cli-rotate-damaged = eskertu: qaita mörlenbedı, bülıngen: { $what }
cli-journal-rewritten = Jurnal derekqordan qaita jazyldy ({ $size } bait).
cli-journal-damage = eskertu: jurnal: { $what }
cli-rebuilt = Derekqor jurnaldan qaita jasaldy: { $frames } kadr qaitalandy, { $records } jazba. Är jazbany tekseru üşın `amanat check` oryndañyz.
cli-rotation-pending = Kıltterdı auystyru üzılgen: ony aiaqtau üşın `amanat rotate` oryndañyz.
cli-list-damaged = eskertu: katalogtyñ { $count } elementı bülıngen jäne körsetılmedı; `amanat check` oryndañyz
cli-list-collector = Būl qūrylğy — jinauşy: onda özı oqi almaityn { $count } mörlengen jazba bar.
cli-lost-writes = eskertu: derekqorda { $have } audit oqiğasy bar, bıraq { $written } oqiğa jazylğan: ol bülınu saldarynan eñ soñğy özgerısterın joğaltqan. `amanat check` oryndañyz; `amanat rebuild` derekqordy jurnaldan qaita jasaidy.
cli-indexed = eskertpe: { $count } jazba ızdeu indeksıne qosyldy, būl nūsqa är jazbanyñ ızdeu mätınınıñ ornyna sony saqtaidy (tek bır ret).
cli-padded = eskertpe: būl qoima endı mörleitının ölşem klastaryna deiın toltyrady (3-pışım). Būryn saqtalğany diskıde özınıñ naqty ölşemın saqtaidy, būl ony serıktestıñ köşırmesımen bailanystyruy mümkın: ony toltyryp qaita mörleu üşın `amanat rotate` oryndañyz (tek bır ret).
cli-journal-was-rewritten = eskertu: { $why }; ol derekqordan qaita jazyldy. `amanat check` oryndañyz.
cli-no-terminal = qūpiia söz tırkesın sūraityn terminal joq: --passphrase-file FILE körsetıñız nemese AMANAT_PASSPHRASE_FILE ornatyñyz
cli-passphrase-unreadable = qūpiia söz tırkesı oqylmady: { $why }
cli-not-utf8 = { $path } UTF-8 mätını emes
cli-passphrase-file-empty = { $path } ({ $flag }) failynyñ bırınşı joly bos: qūpiia söz tırkesın soğan jazyñyz{ $new ->
    [yes] , bolmasa pärmendı { $flag } parametrınsız oryndap, tırkes jasaluy üşın sūrauda Enter basyñyz
   *[no] {""}
}; eşteñe özgermedı.
cli-passphrase-refused = { $why }; eşteñe özgermedı.
cli-passphrase-weak = būl qūpiia söz tırkesı tym älsız: zxcvbn bağalauynşa, ony tabuğa { $guesses } qajet{ $feedback }, al köşırılgen kıltter jiyntyğyn oflain boljap tabuğa qarsy kemınde 10^{ $needed } äreket qajet. Bırneşe kezdeisoq sözden tūratyn ūzynyraq tırkestı paidalanyñyz, tırkes jasaluy üşın sūrauda Enter basyñyz nemese ony qabyldau üşın { $flag } körsetıñız (saqtau jurnaly mūny jazyp qoiady); eşteñe özgermedı.
cli-prompt-generate = { $prompt } (jasap beru üşın Enter):
cli-prompt-repeat = Qaitalañyz:
cli-passphrases-differ = ekı qūpiia söz tırkesı bırdei emes; eşteñe özgermedı.
cli-generated = Jasalğan qūpiia söz tırkesı: { $list } sözden tūratyn tızımnen kezdeisoq alynğan { $words } söz ({ $bits } bit):
cli-generated-keep = Ony qazır jazyp alyp, osy qūrylğydan bölek saqtañyz: ekeuı de kımde bolsa, sol qoimany aşa alady, al onsyz ondağy eşteñe aşylmaidy. Ol tek osy bır ret körsetıledı.
cli-prompt-confirm = Rastau üşın ony terıñız:
cli-generated-mistyped = terılgenı jasalğan qūpiia söz tırkesı emes; eşteñe özgermedı. Jañasyn alu üşın pärmendı qaita oryndañyz.
cli-no-tty = terminalğa jazu mümkın emes: { $why }
cli-idle-not-time = { $value } uaqyt emes: 10 (minut), 30s, 10m nemese 1h dep jazyñyz
cli-idle-unit = { $value }: ölşem bırlıgı s, m nemese h
cli-idle-range = äreketsızdık qūlpy 1 sekund pen 24 sağat aralyğynda bolady
cli-ocr-defaults = Tanudyñ ädepkı tılderı: { $languages }.
cli-ocr-name-records = skanerlerı tanylatyn jazbalardy atañyz nemese --all körsetıñız
cli-ocr-pages = { $count } bet
cli-ocr-recognised = { $source } → { $name } ({ $languages }, { $pages } bet, { $characters } tañba)
cli-ocr-part-failed = { $record } jazbasy, { $part } bölıgı: { $why }
cli-ocr-summary = { $records } jazbada { $parts } bölık ({ $pages } bet) tanyldy; { $already } bölıkte mätın būrynnan bar edı; { $notscans } bölık skaner emes; { $notext } bölıkte mätın joq; { $failed } bölık sätsız aiaqtaldy.
cli-ocr-added-not-recognised = jazbalar qosyldy, bıraq olardyñ mätını tanylmady: { $why }
cli-ocr-later = jazbalar qosyldy, bıraq olardyñ mätını tanylmady: { $why }. Ony tanu üşın { $missing ->
    [yes] Debian nemese Ubuntu jüiesınde sol bumany `sudo apt install` arqyly ornatyp, sodan keiın `amanat ocr` pärmenın olardyñ id-lerımen oryndañyz
   *[no] `amanat ocr` pärmenın olardyñ id-lerımen oryndañyz
}.
cli-progress-recognising = tanu
cli-progress-parts = bölık
cli-secret-file-empty = { $path } (--secret-file) failynyñ bırınşı joly bos: qūpiia kılttı soğan jazyñyz; eşteñe özgermedı.
cli-remote-can-read = eskertu: būl kılt sebettı oqi alady. Tärkılenuı mümkın qūrylğyda tek jaza alatyn kılttı paidalanyñyz (README, «Replicas»): osy kılt pen qūpiia söz tırkesı arqyly būryn-soñdy jıberılgen är jazbany, sonyñ ışınde öşırılgenderın de oquğa bolady.
cli-remote-unchecked = eskertu: { $endpoint } qazır tekserılmedı ({ $why }); soğan qaramastan ol qosyldy.
cli-remote-added = { $name } qaşyqtağy qoimasy qosyldy ({ $endpoint }, { $bucket } sebetı). Oğan `amanat push { $name }` arqyly jıberıñız.
cli-remote-removed = { $name } qaşyqtağy qoimasy öşırıldı. Köşırmede jıberılgenı saqtalyp qalady: ony ol jerde öşıru — saqtauşynyñ ısı.
cli-progress = { $verb ->
    [pushing] jıberu
    [pulling] alu
    [checking] tekseru
    [sweeping] köşıru
   *[restoring] qalpyna keltıru
}
cli-no-remote = būl qoimanyñ qaşyqtağy qoimasy joq: ony `amanat remote add NAME --endpoint URL --bucket B --access-key-id ID --secret-file F` arqyly qosyñyz
cli-pushed = { $name } qoimasyna jıberıldı: { $objects } nysan faily ({ $mib } MiB), jurnaldyñ { $kib } KiB; köşırmede { $records } jazba bar.
cli-up-to-date = { $name } özektı küide ({ $records } jazba).
cli-pulled = { $name } ışınen { $bundles } buma ({ $records } jaña jazba) importtaldy; { $already } buma būryn importtalğan; { $failed } buma sätsız aiaqtalyp, kelesı aludy kütedı.
cli-status-records = { $records } jazba
cli-status-no-remote = Qaşyqtağy qoima joq: eşteñe köşırılmeidı (`amanat remote add --help` qarañyz).
cli-status-remote = { $name }: soñğy jıberu: { $last }; { $missing } jazba älı köşırılmegen
cli-status-never = älı bolmağan
cli-replica-checked = { $name }: { $time } jıberuı: jurnaldyñ { $chunks } kesındısı, { $objects } nysan faily; { $ok ->
    [yes] bärı ornynda jäne bütın
   *[no] joğaryda qarañyz
}.
cli-swept = { $objects } nysan ({ $mib } MiB) { $inbox } ışınen { $archive } ışıne köşırıldı; { $already } nysan onda būrynnan bar edı.
cli-restore-needs-keyring = qalpyna keltıruge qoimanyñ kıltter jiyntyğy kerek: --keyring BACKUP (joğalğan qoimanyñ kıltter jiyntyğynyñ köşırmesı) körsetıñız nemese, eger qoima ony senımdı saqtauğa tapsyrğan bolsa, ştabtyñ kıltımen --identity körsetıñız
cli-ssh-key-encrypted = { $path } — qūpiia söz tırkesımen qorğalğan nemese qoldau körsetılmeitın OpenSSH kıltı: aldymen onyñ köşırmesınıñ şifryn `ssh-keygen -p` arqyly şeşıñız
cli-not-identity = { $path } age jeke kılt faily (identity) da, OpenSSH jeke kıltı de emes
cli-restored = { $time } jıberuınen ({ $heads } jıberudıñ bırı) { $records } jazba jäne { $objects } nysan faily ({ $mib } MiB) { $path } ışıne qalpyna keltırıldı; onyñ kıltter jiyntyğy — { $keyring }.
cli-restored-ok = tekseru: är jazba tekserıldı.
cli-tsa-cert-unreadable = { $path } sertifikat faily oqylmady: { $why }
cli-tsa-added = { $name } uaqyt belgısı ortalyğy { $url } mekenjaiymen qosyldy, senım artylatyn sertifikattar: { $subjects }
cli-tsa-line = senım artylatyn sertifikattar: { $subjects }
cli-tsa-removed = { $name } uaqyt belgısı ortalyğy öşırıldı
cli-stamped-already = Saqtau jurnalynda uaqyt belgısı būrynnan bar: onyñ alğaşqy { $events } oqiğasy { $time } kezınde bar bolğan.
cli-stamped = { $tsa } uaqyt belgısın qoidy: saqtau jurnalynyñ alğaşqy { $events } oqiğasy { $time } kezınde bar bolğan ({ $authority } qol qoiğan).
cli-stamp-failed = { $tsa } uaqyt belgısın bermedı: { $why }
cli-push-line = { $records } jazba, { $objects } nysan faily, jurnaldyñ { $kib } KiB
cli-push-ahead = osy sağattan aldağy uaqytpen belgılengen: eşqaşan eñ jañasy dep sanalmaidy
cli-refolded = eskertpe: endı ızdeu ataudy qazaq kirillitsasynda da, latynitsasynda da tabady, ı-ny i, io-nı e retınde: ol üşın ızdeu indeksınıñ { $count } segmentı qaita jazyldy (bır ret qana).
web-shred-or-english = (nemese «{ $english }»)
