using BetterDepth.Training.Priors;

namespace BetterDepth.Tests.Training.Priors;

public class HoleFillingTests
{
    [Fact]
    public void Known_pixels_stay_and_holes_take_values_from_their_side()
    {
        // Left half 1, right half 3, a missing 6-pixel-wide band on each side of the step and a missing corner block.
        int w = 32, h = 16;
        var values = new float[w * h];
        var known = new bool[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                values[y * w + x] = x < 16 ? 1 : 3;
                known[y * w + x] = x is < 10 or >= 22 && !(x < 4 && y < 4);
            }
        var original = (float[])values.Clone();
        HoleFilling.Fill(values, known, w, h);
        for (int i = 0; i < values.Length; i++)
        {
            if (known[i]) Assert.Equal(original[i], values[i]);
            else Assert.InRange(values[i], 1f, 3f);
        }
        Assert.Equal(1f, values[1 * w + 1], 3);           // corner hole surrounded by ones
        Assert.True(values[8 * w + 11] < values[8 * w + 20]); // the band rises from the left side to the right side
    }

    [Fact]
    public void A_map_with_nothing_known_is_rejected() =>
        Assert.Throws<ArgumentException>(() => HoleFilling.Fill(new float[4], new bool[4], 2, 2));
}
