namespace BetterDepth.Training.Priors;

/// <summary>
/// Several training sources read as one, in the order given (e.g. the mixed scenes and the close-up desk scenes of
/// two `betterdepth synth` folders); each scene is drawn as often as any other, so a source's share is its size's.
/// </summary>
public sealed class ConcatenatedSource : IPriorTrainingSource
{
    readonly IReadOnlyList<IPriorTrainingSource> parts;
    readonly int[] starts;

    public ConcatenatedSource(IReadOnlyList<IPriorTrainingSource> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no training source given");
        this.parts = parts;
        starts = new int[parts.Count];
        long total = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            starts[i] = (int)total;
            total += parts[i].Count;
            if (total > int.MaxValue) throw new ArgumentException($"the training sources hold more than {int.MaxValue} samples together");
        }
        Count = (int)total;
    }

    public int Count { get; }

    public PriorTrainingSample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int part = Array.BinarySearch(starts, index);
        if (part < 0) part = ~part - 1;
        while (part + 1 < starts.Length && starts[part + 1] == index) part++; // past empty parts
        return parts[part].Get(index - starts[part]);
    }
}
