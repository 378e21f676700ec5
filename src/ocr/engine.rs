//! The recogniser found on this machine: Tesseract's version and languages, and the
//! recognition of one image or one PDF, page by page on every core.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

use super::process::run;
use super::{package_of, Source};
use crate::error::{Error, Result, Words};
use crate::words;

/// Longest one program may take on one image or page before it is stopped.
const PAGE_TIMEOUT: Duration = Duration::from_secs(300);
/// A TIFF may hold many pages, which Tesseract reads in one run: an hour for all of them.
const TIFF_TIMEOUT: Duration = Duration::from_secs(3600);
/// Most text one image or page may yield (a page of small print is about 10 KiB).
const MAX_PAGE_TEXT: usize = 4 << 20;
/// Most pages of one PDF that are recognised.
pub const MAX_PAGES: usize = crate::format::record::MAX_RECOGNISED_PAGES as usize;
/// Pages are rendered at 300 dpi, the resolution Tesseract is trained for, unless their
/// longer side would then be over this many pixels (a poster, or a hostile page size).
const MAX_SIDE_PX: f64 = 8000.0;
const DPI: f64 = 300.0;

/// Tesseract on this machine.
#[derive(Debug, Clone)]
pub struct Engine {
    version: String,
    installed: Vec<String>,
}

/// The text of one part, and how many pages it came from.
pub struct Recognised {
    pub text: Zeroizing<String>,
    pub pages: u32,
}

/// How many recognition programs may run at once: one per core, shared by every part and
/// page being recognised.
pub struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
    cancelled: std::sync::atomic::AtomicBool,
}

impl Slots {
    pub fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Stops the run: no further page is started (the programs running finish theirs).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        let mut free = self.free.lock().expect("slots are not poisoned");
        while *free == 0 {
            free = self.freed.wait(free).expect("slots are not poisoned");
        }
        *free -= 1;
        drop(free);
        let out = f();
        *self.free.lock().expect("slots are not poisoned") += 1;
        self.freed.notify_one();
        out
    }
}

fn missing(what: Words, package: &str) -> Error {
    Error::MissingTool {
        what,
        package: package.into(),
    }
}

impl Engine {
    /// Finds `tesseract` and the languages it has.
    pub fn find() -> Result<Engine> {
        let short = Duration::from_secs(30);
        let version = run("tesseract", &["--version"], b"", 64 << 10, short)
            .map_err(|_| missing(words!("d-ocr-tesseract"), "tesseract-ocr"))?;
        let version = String::from_utf8_lossy(&version)
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("tesseract "))
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| Error::Recognition(words!("d-ocr-no-version")))?;
        let langs = run("tesseract", &["--list-langs"], b"", 64 << 10, short)?;
        let installed = String::from_utf8_lossy(&langs)
            .lines()
            .skip(1)
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        Ok(Engine { version, installed })
    }

    /// `tesseract X.Y.Z`, as recognised parts record it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Refuses languages whose trained data is not installed, naming the packages.
    pub fn require(&self, languages: &[String]) -> Result<()> {
        let lacking: Vec<&str> = languages
            .iter()
            .filter(|l| !self.installed.contains(l))
            .map(String::as_str)
            .collect();
        if lacking.is_empty() {
            return Ok(());
        }
        Err(Error::MissingTool {
            what: words!("d-ocr-data-for", languages = lacking.join(", ")),
            package: lacking
                .iter()
                .map(|l| package_of(l))
                .collect::<Vec<_>>()
                .join(" "),
        })
    }

    /// Refuses a PDF where Poppler's tools are missing.
    fn require_pdf_tools() -> Result<()> {
        run("pdfinfo", &["-v"], b"", 64 << 10, Duration::from_secs(30))
            .map(|_| ())
            .map_err(|_| missing(words!("d-ocr-poppler"), "poppler-utils"))
    }

    /// The text of an image, or of every page of a PDF (pages separated by form feeds, as
    /// Tesseract separates those of a TIFF). `on_page` is called as each page is done.
    pub fn recognise(
        &self,
        bytes: &[u8],
        source: Source,
        languages: &[String],
        slots: &Slots,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Recognised> {
        let langs = languages.join("+");
        match source {
            Source::Image => {
                let text = slots.with(|| self.image(bytes, &langs, None))?;
                on_page();
                let pages = page_count(&text);
                Ok(Recognised { text, pages })
            }
            Source::Pdf => self.pdf(bytes, &langs, slots, on_page),
        }
    }

    fn image(&self, bytes: &[u8], langs: &str, dpi: Option<u32>) -> Result<Zeroizing<String>> {
        let dpi = dpi.map(|d| d.to_string());
        let mut args = vec!["stdin", "stdout", "-l", langs];
        if let Some(d) = &dpi {
            args.extend(["--dpi", d]);
        }
        use crate::format::media::{sniff_image, Image};
        let (limit, timeout) = if sniff_image(bytes) == Some(Image::Tiff) {
            (MAX_PAGE_TEXT * 16, TIFF_TIMEOUT)
        } else {
            (MAX_PAGE_TEXT, PAGE_TIMEOUT)
        };
        let out = run("tesseract", &args, bytes, limit, timeout)?;
        Ok(Zeroizing::new(String::from_utf8_lossy(&out).into_owned()))
    }

    fn pdf(
        &self,
        bytes: &[u8],
        langs: &str,
        slots: &Slots,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<Recognised> {
        Engine::require_pdf_tools()?;
        let sizes = slots.with(|| page_sizes(bytes))?;
        if sizes.len() > MAX_PAGES {
            return Err(Error::Recognition(words!(
                "d-ocr-pages",
                pages = sizes.len(),
                max = MAX_PAGES
            )));
        }
        let next = AtomicUsize::new(0);
        let texts: Mutex<BTreeMap<usize, Result<Zeroizing<String>>>> = Mutex::new(BTreeMap::new());
        std::thread::scope(|s| {
            for _ in 0..workers(sizes.len()) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(w, h)) = sizes.get(i) else { break };
                    if slots.cancelled() {
                        let stopped = Err(Error::Recognition(words!("d-ocr-stopped")));
                        texts.lock().expect("not poisoned").insert(i, stopped);
                        break;
                    }
                    let page = slots.with(|| self.page(bytes, i + 1, w, h, langs));
                    let failed = page.is_err();
                    texts.lock().expect("not poisoned").insert(i, page);
                    on_page();
                    if failed {
                        next.store(usize::MAX / 2, Ordering::Relaxed);
                    }
                });
            }
        });
        // Pages separated by form feeds, as Tesseract separates those of a TIFF.
        let mut text = Zeroizing::new(String::new());
        for (i, page) in texts.into_inner().expect("not poisoned") {
            if i > 0 {
                text.push('\x0c');
            }
            text.push_str(page?.trim_end_matches('\x0c'));
        }
        Ok(Recognised {
            text,
            pages: sizes.len() as u32,
        })
    }

    /// Page `n` (from 1) of a PDF, rendered in grey and recognised.
    fn page(&self, pdf: &[u8], n: usize, w: f64, h: f64, langs: &str) -> Result<Zeroizing<String>> {
        let side = w.max(h).max(1.0);
        let dpi = DPI.min((MAX_SIDE_PX * 72.0 / side).floor()).max(1.0);
        // A page so large that even 1 dpi passes the bound (a hostile size) is not rendered.
        let (wpx, hpx) = ((w * dpi / 72.0).ceil(), (h * dpi / 72.0).ceil());
        if wpx > MAX_SIDE_PX || hpx > MAX_SIDE_PX {
            return Err(Error::Recognition(words!(
                "d-ocr-page-large",
                page = n,
                width = format!("{w:.0}"),
                height = format!("{h:.0}")
            )));
        }
        let dpi = dpi as u32;
        let max_out = (wpx as usize + 2) * (hpx as usize + 2) + 64;
        let n = n.to_string();
        let dpi_s = dpi.to_string();
        let args = [
            "-gray",
            "-r",
            &dpi_s,
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            "-",
        ];
        let pgm = run("pdftoppm", &args, pdf, max_out, PAGE_TIMEOUT)?;
        self.image(&pgm, langs, Some(dpi))
    }
}

/// The pages of an image's text: Tesseract separates the pages of a TIFF by form feeds (5.x
/// between pages, 4.x after each), so a last empty piece is no page.
fn page_count(text: &str) -> u32 {
    let pieces = text.split('\x0c').count();
    let ends = text.contains('\x0c')
        && text
            .rsplit('\x0c')
            .next()
            .is_some_and(|last| last.trim().is_empty());
    (pieces - usize::from(ends)).clamp(1, MAX_PAGES) as u32
}

/// How many threads work on `items` things at once: one per core, no more than there are.
fn workers(items: usize) -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items)
        .max(1)
}

/// Each page's size in points, as `pdfinfo` gives it.
fn page_sizes(pdf: &[u8]) -> Result<Vec<(f64, f64)>> {
    let last = (MAX_PAGES + 1).to_string();
    let out = run(
        "pdfinfo",
        &["-f", "1", "-l", &last, "-"],
        pdf,
        4 << 20,
        PAGE_TIMEOUT,
    )?;
    let text = String::from_utf8_lossy(&out);
    let sizes: Vec<(f64, f64)> = text
        .lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size: "))
        .filter_map(|l| {
            let dims = l.split(" size: ").nth(1)?;
            let mut it = dims.split_whitespace();
            let w: f64 = it.next()?.parse().ok()?;
            it.next().filter(|x| *x == "x")?;
            let h: f64 = it.next()?.parse().ok()?;
            (w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0).then_some((w, h))
        })
        .collect();
    if sizes.is_empty() {
        return Err(Error::Recognition(words!("d-ocr-no-page")));
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_are_counted_between_form_feeds_or_after_each() {
        assert_eq!(super::page_count("one page\n"), 1);
        assert_eq!(super::page_count("a\x0cb\x0cc\n"), 3);
        assert_eq!(super::page_count("a\x0cb\x0cc\x0c"), 3);
        assert_eq!(super::page_count("a\x0c\x0cc\n"), 3);
    }
}
