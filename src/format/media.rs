//! What kind of file a part is, from its first bytes: the images that export cleans and
//! text recognition reads.

/// An image format: cleaned of its metadata on export, read by text recognition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Image {
    Jpeg,
    Png,
    Webp,
    Tiff,
}

/// Recognizes an image from its first bytes (its name says nothing).
pub fn sniff_image(head: &[u8]) -> Option<Image> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Image::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Image::Png)
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(Image::Webp)
    } else if [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
        .iter()
        .any(|m| head.starts_with(*m))
    {
        // BigTIFF too, so that it is refused rather than sent as it is.
        Some(Image::Tiff)
    } else {
        None
    }
}
