// A person's session in Amanat's web interface, in Debian's Chromium (headless) driven by
// playwright-core, which downloads no browser. Run by tests/cli/web_browser.rs, which starts
// `amanat serve`, passes everything through the environment, and checks the vault and the
// browser's profile afterwards. Prints one JSON line: {"id": ..., "console": [...]}.
import { chromium } from "playwright-core";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const url = env("AMANAT_URL");
const pass = env("AMANAT_PASS");
const shots = env("AMANAT_SHOTS");
const image = env("AMANAT_IMAGE");
const marker = env("AMANAT_MARKER");
const bundleOut = env("AMANAT_BUNDLE_OUT");
const incoming = env("AMANAT_INCOMING");
const sha256 = (b) => createHash("sha256").update(b).digest("hex");

const context = await chromium.launchPersistentContext(env("AMANAT_PROFILE"), {
  executablePath: process.env.AMANAT_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  downloadsPath: env("AMANAT_DOWNLOADS"),
  viewport: { width: 1100, height: 800 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const problems = [];
const page = context.pages()[0] ?? (await context.newPage());
page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(m.text()); });
page.on("pageerror", (e) => problems.push(String(e)));
const shot = (name) => page.screenshot({ path: join(shots, name), fullPage: true });
const expect = (ok, what) => { if (!ok) throw new Error(what); };

let id;
try {
  // Unlock: a wrong passphrase first, then the right one.
  await page.goto(url);
  expect(!page.url().includes("token="), "the token left the address");
  await page.getByLabel("Passphrase").fill("not the passphrase");
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("alert").waitFor();
  expect(problems.length === 0, problems.join("; "));
  await shot("unlock.png");
  await page.getByLabel("Passphrase").fill(pass);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.waitForURL("**/records");
  // Every address of this run starts with a random prefix.
  const home = page.url().replace(/records$/, "");
  expect(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/$/.test(home), home);
  await shot("records-empty.png");

  // Add a record with a typed testimony and an image, by keyboard where a person would.
  await page.getByRole("link", { name: "Add a record" }).click();
  await page.getByLabel("Title (required)").fill(`Interview ${marker} in Almaty`);
  await page.getByLabel("Tags, separated by commas").fill("detention, Ürümqi");
  await page.getByLabel("Witness code (a pseudonym, never a name)").fill(`W-${marker}`);
  await page.getByLabel("Place").fill("Алматы");
  await page.getByLabel("Type or paste the testimony").fill(`What the witness saw: ${marker}.`);
  await page.getByLabel(/^Name and how to reach them/).fill(`Name ${marker}, phone 700`);
  await page.getByLabel("What it allows (export refuses what it does not cover)").selectOption("share");
  await page.getByRole("checkbox", { name: "partner" }).check();
  await page.getByLabel("How it was given").selectOption("written");
  await page.getByLabel("Recordings, scans, documents").setInputFiles(image);
  await shot("add.png");
  await page.getByLabel("Title (required)").focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/records\/[0-9a-f]{32}$/);
  id = page.url().split("/").pop();
  await page.getByRole("heading", { name: `Interview ${marker} in Almaty` }).waitFor();
  const img = page.locator("figure img");
  await img.waitFor();
  expect(await img.evaluate((i) => i.complete && i.naturalWidth > 0), "the image did not show");
  await page.getByText("Read testimony.txt").click();
  await page.locator("pre.text").getByText(`What the witness saw: ${marker}.`).waitFor();
  await shot("record.png");

  // Download the image and compare its bytes; the file is the user's, and removed here.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("row", { name: /image\.png/ }).getByRole("link", { name: "Download" }).click(),
  ]);
  const got = readFileSync(await download.path());
  expect(sha256(got) === sha256(readFileSync(image)), "the downloaded part differs");
  rmSync(await download.path());

  // Find it by search as you type; a word it lacks finds nothing.
  await page.getByRole("link", { name: "Records" }).click();
  await page.getByLabel("Search").pressSequentially(`almaty ${marker.toLowerCase()}`, { delay: 20 });
  await page.locator("#results").getByText(`Interview ${marker} in Almaty`).waitFor();
  await page.locator("#results").getByText("1 record", { exact: true }).waitFor();
  await shot("search.png");
  await page.getByLabel("Search").fill("");
  await page.getByLabel("Search").pressSequentially("nowhere", { delay: 30 });
  await page.locator("#results").getByText("0 records").waitFor();

  // Share it: tick it, choose the contact, make the bundle, download it (ciphertext).
  await page.getByLabel("Search").fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByRole("checkbox", { name: `Share Interview ${marker} in Almaty` }).check();
  await page.getByLabel("With").selectOption("partner");
  await page.getByRole("button", { name: "Make the bundle" }).click();
  await page.getByRole("heading", { name: "Bundle ready" }).waitFor();
  await shot("bundle.png");
  const [bundle] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the bundle" }).click(),
  ]);
  copyFileSync(await bundle.path(), bundleOut);
  rmSync(await bundle.path());

  // Receive a partner's bundle: verified and shown first, imported on request.
  await page.getByRole("link", { name: "Receive a bundle" }).click();
  await page.getByLabel("The bundle a partner sent (an .age file)").setInputFiles(incoming);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("heading", { name: "Bundle verified" }).waitFor();
  await shot("receive.png");
  await page.getByRole("button", { name: "Import" }).click();
  await page.getByText("1 record added").waitFor();

  // Check the vault, with its progress, until every record verified.
  await page.getByRole("link", { name: "Maintain" }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await page.getByText("Every record verified.").waitFor();
  await shot("check.png");

  // The interface in Uyghur, right to left, and in Kazakh; the menu names each language in
  // itself. Screenshots of both are kept for a person to look at (docs/screenshots).
  const language = async (code) => {
    await page.locator("form.language select").selectOption(code);
    await page.locator("form.language button").click();
    await page.waitForURL("**/records");
  };
  await language("ug");
  const html = page.locator("html");
  expect((await html.getAttribute("dir")) === "rtl" && (await html.getAttribute("lang")) === "ug", "not right to left");
  expect(await page.evaluate(() => getComputedStyle(document.body).direction) === "rtl", "the body is not rtl");
  await page.getByRole("link", { name: "خاتىرىلەر" }).waitFor();
  // Right to left: the brand sits at the right edge, the menu to its left.
  const brand = await page.locator("a.brand").boundingBox();
  expect(brand.x > 1100 / 2, `the brand is at x=${brand.x}, not on the right`);
  const english = await page.locator("header, main h1, main label, main th").allInnerTexts();
  for (const w of ["Records", "Search", "Share", "Filter", "Lock"]) {
    expect(!english.some((t) => t.includes(w)), `English "${w}" in the Uyghur page`);
  }
  await shot("records-ug.png");
  await page.goto(home + "records/" + id);
  await page.getByRole("heading", { name: `Interview ${marker} in Almaty` }).waitFor();
  await shot("record-ug.png");
  await page.goto(home + "add");
  await shot("add-ug.png");
  await page.goto(home + "records");
  await language("kk");
  expect((await html.getAttribute("dir")) === "ltr" && (await html.getAttribute("lang")) === "kk", "not Kazakh");
  await page.getByRole("link", { name: "Жазбалар" }).waitFor();
  await shot("records-kk.png");
  await page.goto(home + "add");
  await page.getByLabel("Атауы (міндетті)").waitFor();
  await shot("add-kk.png");
  await page.goto(home + "records");
  await language("en");

  // Lock by keyboard: the keys are gone, the unlock form is back, records are refused.
  await page.getByRole("button", { name: "Lock" }).focus();
  await page.keyboard.press("Enter");
  await page.getByLabel("Passphrase").waitFor();
  await page.goto(home + "records/" + id);
  await page.getByLabel("Passphrase").waitFor();
  await shot("locked.png");

} catch (e) {
  // What the page showed when a step failed, for the test's message.
  await shot("failed.png").catch(() => {});
  console.error(page.url(), "\n", (await page.content().catch(() => "")).slice(0, 4000));
  console.error(problems.join("\n"));
  console.error(e);
  await context.close();
  process.exit(1);
}
await context.close();
console.log(JSON.stringify({ id, console: problems }));
