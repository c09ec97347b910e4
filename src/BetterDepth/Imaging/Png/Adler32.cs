namespace BetterDepth.Imaging.Png;

/// <summary>The Adler-32 checksum that ends a zlib stream (RFC 1950), and the checksum of two pieces joined.</summary>
static class Adler32
{
    const uint Modulus = 65521;
    /// <summary>The most bytes the second sum can take in before it could overflow 32 bits (zlib's NMAX).</summary>
    const int Block = 5552;

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var block = data[..Math.Min(Block, data.Length)];
            foreach (var x in block)
            {
                a += x;
                b += a;
            }
            a %= Modulus;
            b %= Modulus;
            data = data[block.Length..];
        }
        return b << 16 | a;
    }

    /// <summary>
    /// The checksum of A followed by B from the checksums of A and B and B's length: B's first sum is offset by
    /// A's (minus the initial 1), and every one of B's bytes adds A's first sum once more to the second.
    /// </summary>
    public static uint Combine(uint first, uint second, long secondLength)
    {
        long a1 = first & 0xFFFF, b1 = first >> 16, a2 = second & 0xFFFF, b2 = second >> 16;
        long n = secondLength % Modulus;
        long a = (a1 + a2 - 1 + Modulus) % Modulus;
        long b = (b1 + b2 + n * a1 - n + Modulus) % Modulus;
        return (uint)(b << 16 | a);
    }
}
