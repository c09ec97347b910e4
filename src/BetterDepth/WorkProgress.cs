namespace BetterDepth;

/// <summary>Progress of a long job: <paramref name="Done"/> of <paramref name="Total"/> units, with an optional status note.</summary>
public readonly record struct WorkProgress(long Done, long Total, string? Note = null);
