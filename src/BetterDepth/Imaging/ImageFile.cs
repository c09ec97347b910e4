using BetterDepth.Imaging.Png;
using StbImageSharp;

namespace BetterDepth.Imaging;

/// <summary>Colour images in and out: PNG (any colour type and bit depth) and JPEG in, 8-bit RGB PNG out.</summary>
public static class ImageFile
{
    public static RgbImage ReadRgb(string path) => DecodeRgb(File.ReadAllBytes(path), path);

    /// <summary>Decodes PNG or JPEG bytes; <paramref name="path"/> names the source in error messages.</summary>
    public static RgbImage DecodeRgb(byte[] bytes, string path)
    {
        if (PngReader.HasSignature(bytes)) return ToRgb(PngReader.Decode(bytes, path));
        if (JpegHeader.HasSignature(bytes)) return DecodeJpeg(bytes, path);
        throw new InvalidFileException(path, "not a PNG or JPEG image");
    }

    /// <summary>
    /// The width and height a PNG (IHDR) or JPEG (frame header) declares, read without decoding any pixel, so that a
    /// server can refuse an image by its size before spending memory on it.
    /// </summary>
    public static (int Width, int Height) DeclaredSize(byte[] bytes, string path)
    {
        if (JpegHeader.HasSignature(bytes))
        {
            var (w, h, _) = JpegHeader.ReadFrameSize(bytes, path);
            return (w, h);
        }
        if (!PngReader.HasSignature(bytes)) throw new InvalidFileException(path, "not a PNG or JPEG image");
        return PngReader.DeclaredSize(bytes, path);
    }

    /// <summary>
    /// True when a PNG or JPEG declares a single grey channel (PNG colour types 0 and 4, as 16-bit depth maps are;
    /// a one-component JPEG), read from its header without decoding. False for colour images and for files whose
    /// header cannot be read, which decoding reports by name.
    /// </summary>
    public static bool DeclaresGrey(string path)
    {
        // Pipes and devices report no length, and opening one may block: leave them to the reader, as any unreadable file.
        if (new FileInfo(path) is not { Exists: true, Length: > 0 }) return false;
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[26];
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
            if (PngReader.HasSignature(head)) return PngReader.DeclaredColorType(head, path) is 0 or 4;
            return JpegHeader.HasSignature(head) && JpegHeader.Components(stream, path) == 1;
        }
        catch (Exception e) when (e is InvalidFileException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when the bytes start like a PNG or a JPEG.</summary>
    public static bool HasImageSignature(ReadOnlySpan<byte> bytes) => PngReader.HasSignature(bytes) || JpegHeader.HasSignature(bytes);

    public static void WritePng(string path, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        AtomicFile.Write(path, s => PngWriter.WriteRgb8(s, image.Width, image.Height, image.Data));
    }

    /// <summary>
    /// Drops alpha (as PIL's convert("RGB") does), replicates grey, and reduces 16-bit samples to their high byte;
    /// sub-byte grey is stretched to 0..255.
    /// </summary>
    public static RgbImage ToRgb(PngImage png)
    {
        var rgb = new byte[(long)png.Width * png.Height * 3];
        if (png.Channels == 3 && png.BitDepth == 8)
        {
            PixelKernels.NarrowToBytes(png.Samples, rgb);
            return new RgbImage(png.Width, png.Height, rgb);
        }
        int n = png.Width * png.Height, ch = png.Channels;
        bool colour = ch >= 3;
        for (int p = 0; p < n; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                int v = png.Samples[p * ch + (colour ? c : 0)];
                rgb[p * 3 + c] = png.BitDepth switch
                {
                    16 => (byte)(v >> 8),
                    8 => (byte)v,
                    _ => (byte)(v * 255 / png.MaxSample),
                };
            }
        }
        return new RgbImage(png.Width, png.Height, rgb);
    }

    static RgbImage DecodeJpeg(byte[] bytes, string path)
    {
        var (width, height, _) = JpegHeader.ReadFrameSize(bytes, path);
        DecodeLimit.Check(width, height, path);
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The decoder signals corrupt data with assorted exception types; they all mean the same to us.
            throw new InvalidFileException(path, $"corrupt JPEG data ({e.Message})", e);
        }
        if (result is null || result.Data is null || result.Width != width || result.Height != height || result.Data.Length != (long)width * height * 3)
            throw new InvalidFileException(path, "corrupt JPEG data (decoder returned an inconsistent image)");
        return new RgbImage(width, height, result.Data);
    }
}
