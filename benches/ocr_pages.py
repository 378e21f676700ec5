"""Test pages for ocr.sh: invented document-like texts in five languages, rendered with
ImageMagick's pango coder at 300 dpi, their degraded variants, and the character error rate.
Standard library only; needs ImageMagick's `convert` with the pango coder and the fonts below.

  ocr_pages.py render DIR      the five texts, DIR/LANG.ref (reference text) and 4 images each:
                               LANG.clean.png, LANG.blur.png, LANG.skew.png, LANG.jpeg40.jpg;
                               DIR/pages.tsv: lang, tesseract code, variant, file, search word
  ocr_pages.py cer LANG REF HYP  prints the character error rate of HYP against REF
  ocr_pages.py same LANG A B   prints "yes" if A and B hold the same text once normalised
  ocr_pages.py speed DIR N OUT N page files in OUT, cycling through the five clean pages;
                               OUT/list.tsv: file, tesseract code, Amanat language
"""
import os, re, struct, subprocess, sys, unicodedata, zlib
from xml.sax.saxutils import escape

# Each text is invented (no real persons) and holds one word found on no other page: WORD.
# Lines are broken here, one drawn line per line of text (pango is given no width: with
# `-size` it draws right-to-left text off the canvas).
PAGES = {
    "kk": dict(tess="kaz", font="Noto Serif 12", word="Көктерексай", text="""\
Аудандық прокурорға
ӨТІНІШ
Менің ағам Ерлан Мұратұлы Нұрбеков 2018 жылғы 14 қазанда Көктерексай ауылындағы үйінен
түнде ұсталды. Содан бері біз одан ешқандай хабар алған жоқпыз, ал полиция бөлімі
ешқандай құжат бермеді. Оның қазір қай жерде ұсталып отырғаны, қандай айып тағылғаны
және денсаулығы туралы ресми жазбаша жауап беруіңізді сұраймын. Отбасымыз әрбір
жаңалықты күтіп отыр.
Өтініш беруші: Гүлнар Серікқызы Нұрбекова, 2019 жылғы 5 наурыз"""),
    "ru": dict(tess="rus", font="Noto Serif 12", word="Вельмирово", text="""\
УВЕДОМЛЕНИЕ О ЗАДЕРЖАНИИ
Гражданке Петровой Анне Сергеевне, проживающей по адресу: село Вельмирово, улица Садовая,
дом 7. Сообщаем, что 4 апреля 2019 года ваш сын Петров Илья Викторович задержан
сотрудниками районного отдела полиции и помещён в изолятор временного содержания.
Свидания в период следствия не разрешаются. Передачи принимаются по вторникам с девяти до
двенадцати часов. Жалобы направляются в письменном виде в районную прокуратуру.
Следователь капитан юстиции О. Н. Лаврентьев"""),
    "ug": dict(tess="uig", font="UKIJ Tuz Tom 13", word="قاراتۇغلۇق", text="""\
ئۇقتۇرۇش
ھۆرمەتلىك ئائىلە ئەزالىرى: سىزنىڭ ئوغلىڭىز ئابلىمىت تۇرسۇن 2018-يىلى 9-ئۆكتەبىر كۈنى
قاراتۇغلۇق يېزىسىدىكى ئۆيىدىن ئېلىپ كېتىلدى. ئۇ ھازىر ناھىيەلىك تەربىيەلەش مەركىزىدە
تۇرۇۋاتىدۇ. يوقلاشقا رۇخسەت قىلىنمايدۇ. خەت ۋە كىيىم-كېچەكلەرنى ھەر ئاينىڭ بىرىنچى
دۈشەنبە كۈنى تاپشۇرۇشقا بولىدۇ. بۇ ھەقتە سوئالىڭىز بولسا، ناھىيەلىك ساقچى ئىدارىسىغا
يېزىقچە مۇراجىئەت قىلىڭ.
ناھىيەلىك ساقچى ئىدارىسى"""),
    "zh": dict(tess="chi_sim", font="Noto Serif CJK SC 12", word="青柏沟", text="""\
拘留通知书
王建华家属：
根据有关规定，王建华于二〇一八年十一月三日在青柏沟镇被县公安局依法拘留，现羁押于县看守所。
案件正在侦查中，侦查期间不予会见。家属可于每月第一个星期一送交衣物和信件，
信件须经审查后转交。如有疑问，请以书面形式向县公安局法制科提出。
县公安局
二〇一八年十一月五日"""),
    "en": dict(tess="eng", font="Noto Serif 12", word="Vardenholt", text="""\
NOTICE OF DETENTION
To the family of Mr. Daniel Ashworth, resident of 14 Mill Lane, Vardenholt.
This is to inform you that on 12 March 2019 the above person was taken into custody by
officers of the district police and is now held at the municipal detention centre.
Visits are not permitted while the investigation continues. Parcels of clothing may be
left at the front desk on Tuesdays. Enquiries must be made in writing to the prosecutor.
Signed: Inspector R. Talbot, Custody Officer"""),
}
VARIANTS = [("clean", "png", []), ("blur", "png", ["-blur", "0x1.2"]),
            ("skew", "png", ["-background", "white", "-rotate", "2"]),
            ("jpeg40", "jpg", ["-quality", "40"])]


def lines(lang):
    """The page's lines, as written above."""
    return PAGES[lang]["text"].splitlines()


def norm(lang, s):
    s = unicodedata.normalize("NFC", s)
    return re.sub(r"\s+", "", s) if lang == "zh" else re.sub(r"\s+", " ", s).strip()


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def dark_fraction(path):
    """The share of pixels darker than mid-grey (0 for a blank page)."""
    out = subprocess.run(["convert", path, "-alpha", "off", "-colorspace", "Gray", "-threshold", "50%",
                          "-format", "%[fx:mean]", "info:"], capture_output=True, text=True, check=True)
    return 1.0 - float(out.stdout.strip())


def render(d):
    os.makedirs(d, exist_ok=True)
    rows = []
    for lang, p in PAGES.items():
        others = [q["text"] for l, q in PAGES.items() if l != lang]
        assert p["word"] in p["text"] and not any(p["word"] in t for t in others), lang
        ls = lines(lang)
        with open(f"{d}/{lang}.ref", "w", encoding="utf-8") as f:
            f.write("\n".join(ls) + "\n")
        markup = f"<span font='{p['font']}'>" + escape("\n".join(ls)) + "</span>"
        clean = f"{d}/{lang}.clean.png"
        # No -size: see above. The pango canvas is as wide as the longest line.
        subprocess.run(["convert", "-density", "300", "-background", "white", "pango:" + markup,
                        "-alpha", "off", "-bordercolor", "white", "-border", "60", clean], check=True)
        for name, ext, args in VARIANTS:
            path = f"{d}/{lang}.{name}.{ext}"
            if name != "clean":
                subprocess.run(["convert", clean, *args, "-density", "300", path], check=True)
            dark = dark_fraction(path)
            if not 0.005 < dark < 0.5:
                sys.exit(f"ocr_pages.py: {path} looks blank or wrong ({dark:.4f} of it dark)")
            rows.append((lang, p["tess"], name, os.path.basename(path), p["word"]))
    with open(f"{d}/pages.tsv", "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


def with_text_chunk(png, note):
    """The PNG with a tEXt chunk after its header: the same pixels, different bytes."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    end = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    data = b"Comment\0" + note.encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:end] + chunk + png[end:]


def speed(d, n, out):
    """N pages cycling kk, ru, ug, zh, en, each a copy of the clean page with its own bytes,
    so that no store or cache can take two pages for one."""
    os.makedirs(out, exist_ok=True)
    langs = list(PAGES)
    with open(f"{out}/list.tsv", "w") as f:
        for i in range(n):
            lang = langs[i % len(langs)]
            png = open(f"{d}/{lang}.clean.png", "rb").read()
            path = f"{out}/page-{i + 1:04}-{lang}.png"
            with open(path, "wb") as g:
                g.write(with_text_chunk(png, f"speed page {i + 1}"))
            f.write(f"{os.path.abspath(path)}\t{PAGES[lang]['tess']}\t{lang}\n")


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "render":
        render(args[0])
    elif cmd == "cer":
        ref, hyp = norm(args[0], read(args[1])), norm(args[0], read(args[2]))
        print(f"{levenshtein(ref, hyp) / max(len(ref), 1):.4f}")
    elif cmd == "same":
        print("yes" if norm(args[0], read(args[1])) == norm(args[0], read(args[2])) else "no")
    elif cmd == "speed":
        speed(args[0], int(args[1]), args[2])
    else:
        sys.exit(__doc__)
