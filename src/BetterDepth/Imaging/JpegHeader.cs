using System.Buffers.Binary;

namespace BetterDepth.Imaging;

/// <summary>
/// Reads the frame size of a JPEG from its markers, without decoding, so that the real decoder is only ever
/// handed files whose claimed size is plausible for the number of bytes they contain.
/// </summary>
static class JpegHeader
{
    /// <summary>
    /// Even a flat progressive JPEG spends at least one bit per 8x8 block in its DC scan, so a file cannot
    /// describe more than 64 * 8 pixels per byte; anything claiming more is corrupt.
    /// </summary>
    const long MaxPixelsPerByte = 512;

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    public static (int Width, int Height, int Components) ReadFrameSize(byte[] file, string path)
    {
        InvalidFileException Bad(string problem) => new(path, problem);
        if (!HasSignature(file)) throw Bad("not a JPEG file (wrong signature)");
        int pos = 2;
        while (true)
        {
            if (pos >= file.Length) throw Bad("truncated before the frame header (SOF)");
            if (file[pos] != 0xFF) throw Bad($"expected a marker at byte {pos}");
            // Markers may be preceded by any number of 0xFF fill bytes.
            while (pos < file.Length && file[pos] == 0xFF) pos++;
            if (pos >= file.Length) throw Bad("truncated before the frame header (SOF)");
            byte marker = file[pos++];
            if (marker == 0xD9 || marker == 0xDA) throw Bad("no frame header (SOF) before the image data");
            if (marker is 0x01 or >= 0xD0 and <= 0xD7) continue; // stand-alone markers carry no length
            if (pos + 2 > file.Length) throw Bad("truncated marker segment");
            int length = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(pos));
            if (length < 2 || pos + length > file.Length) throw Bad($"marker 0x{marker:X2} segment of {length} bytes runs past the end of the file");
            bool isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (length < 8) throw Bad("frame header too short");
                int height = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(pos + 3));
                int width = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(pos + 5));
                int components = file[pos + 7];
                if (width == 0 || height == 0) throw Bad($"invalid frame size {width}x{height}");
                if (components is not (1 or 3 or 4)) throw Bad($"unsupported number of colour components {components}");
                if ((long)width * height > file.Length * MaxPixelsPerByte)
                    throw Bad($"frame claims {width}x{height} pixels, impossible for a {file.Length}-byte file");
                return (width, height, components);
            }
            pos += length;
        }
    }
}
