"""Writes N testimonies of about 2 KiB into texts/ and ingest.jsonl, one line per record, in
the current directory (the data of compare.sh and bundles.sh). Usage: testimonies.py N"""
import json, os, random, sys
n = int(sys.argv[1]); random.seed(7)
# A vocabulary like real testimony: a few thousand words, common ones far more frequent.
syll = "ба ке лы ма ры са та ul ka mer dan ost pol вой ник ско ша чи ге 乌 鲁 木 齐 ئۈ رۈ".split()
vocab = ("әке лагерь Үрімші шекара паспорт отец задержали граница camp detained border "
         "school teacher family letter night police document 乌鲁木齐 拘留 ئۈرۈمچى").split()
vocab += ["".join(random.choice(syll) for _ in range(random.randint(2, 4))) for _ in range(3000)]
weights = [1.0 / (r + 1) for r in range(len(vocab))]
os.makedirs("texts", exist_ok=True)
with open("ingest.jsonl", "w") as out:
    for i in range(n):
        text = " ".join(random.choices(vocab, weights, k=330))[:2048]
        with open(f"texts/{i}.txt", "w") as f: f.write(text)
        out.write(json.dumps({"title": f"Testimony {i}", "tags": ["bench", random.choice(["camp", "border"])],
                              "witness": f"W-{i % 997}", "date": "2019-03-04", "testimony": f"texts/{i}.txt"}) + "\n")
